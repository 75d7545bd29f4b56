"""Payloads typed into every form field of the web UI come back escaped, never as markup."""

from __future__ import annotations

import re
from io import BytesIO

import pytest

from engine.db.models import Document
from scenario_support import trademark_filing

PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg onload=alert(1)>"]
RAW = re.compile(r"<script>alert|<img src=x|<svg onload")


@pytest.fixture
def case(office):
    office.file("trademark", trademark_filing())
    office.pay()
    return office


def _clean(page: str) -> None:
    found = RAW.search(page)
    assert found is None, f"unescaped payload: …{page[max(0, found.start() - 80):found.end() + 40]}…"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_field_of_a_task_form_sent_back_with_a_mistake(case, browser, client, payload):
    task = case.tasks()[0]
    browser.login("clerk")
    token = browser.token(f"/tasks/{task.id}")
    response = client.post(f"/tasks/{task.id}/complete", data={
        "csrf_token": token, "requirements_present": [payload], "filing_date_met": payload, "deficiency_notes": payload,
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "field-error" in page
    _clean(page)
    assert "&lt;" in page or "&#34;&gt;" in page or "&#39;&gt;" in page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_saved_draft_shown_again(case, browser, client, payload):
    task = case.tasks()[0]
    browser.login("clerk")
    client.post(f"/tasks/{task.id}/draft", data={"csrf_token": browser.token(f"/tasks/{task.id}"), "deficiency_notes": payload})
    _clean(client.get(f"/tasks/{task.id}").get_data(as_text=True))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_case_search_criteria(case, browser, client, payload):
    browser.login("examiner")
    for field in ("number", "applicant", "text", "class", "status", "filed_from", "right_type", "sort", "page"):
        _clean(client.get("/cases/search", query_string={field: payload, "applicant": "ACME"}).get_data(as_text=True))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_inbox_filters_and_a_saved_filter_name(case, browser, client, payload):
    browser.login("clerk")
    for field in ("text", "task", "right_type", "due_from", "due_to", "sort", "tab", "page", "per_page", "overdue"):
        _clean(client.get("/inbox", query_string={field: payload}).get_data(as_text=True))
    token = browser.token("/inbox")
    page = client.post("/inbox/filters", data={"csrf_token": token, "name": payload, "text": payload, "shared_role": payload},
                       follow_redirects=True).get_data(as_text=True)
    _clean(page)
    page = client.post("/inbox/filters", data={"csrf_token": token, "name": payload, "text": payload},
                       follow_redirects=True).get_data(as_text=True)
    _clean(page)
    assert "Saved the filter" in page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_comments_and_uploaded_file_names(case, browser, client, payload):
    browser.login("clerk")
    token = browser.token(f"/cases/{case.case_id}")
    client.post(f"/cases/{case.case_id}/comments", data={"csrf_token": token, "body": payload})
    pdf = b"%PDF-1.4\n%%EOF\n"  # (browsers send a '"' in a file name as %22; the test client would cut the name there)
    client.post(f"/cases/{case.case_id}/documents", data={"csrf_token": token, "file": (BytesIO(pdf), payload.replace('"', "") + ".pdf")},
                content_type="multipart/form-data")
    page = client.get(f"/cases/{case.case_id}").get_data(as_text=True)
    _clean(page)
    assert "alert(1)" in page.split('id="comments"')[1]  # the comment is there, as text
    with case.ipflow.db.reading() as session:
        assert session.query(Document).filter_by(case_id=case.case_id, kind="upload").count() == 1


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_top_bar_jump_and_the_login_form(case, browser, client, payload):
    _clean(browser.login(payload, payload).get_data(as_text=True))
    browser.login("registrar")
    _clean(client.get("/cases/search", query_string={"number": payload}).get_data(as_text=True))
