"""The case file: data, open tasks, documents (upload limits, download), comments, history and the
diagram data of its process."""

from __future__ import annotations

import re
from io import BytesIO

import pytest

from engine.db.models import AuditEvent, Document
from scenario_support import Office, trademark_filing

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def case(office):
    office.file("trademark", trademark_filing())
    office.pay()
    return office


def _upload(browser, client, case_id, name, content, **extra):
    token = browser.token(f"/cases/{case_id}")
    return client.post(f"/cases/{case_id}/documents", data={"csrf_token": token, "file": (BytesIO(content), name), **extra},
                       content_type="multipart/form-data", follow_redirects=True)


def _uploads(case) -> int:
    with case.ipflow.db.reading() as session:
        return session.query(Document).filter_by(case_id=case.case_id, kind="upload").count()


def test_the_case_file_shows_data_tasks_history_and_the_diagram_placeholder(case, browser, client):
    browser.login("examiner")
    page = client.get(f"/cases/{case.case_id}").get_data(as_text=True)
    assert case.number in page and "ACME Ltd, 1 Main Street, Sofia (BG)" in page and "Retail services" in page
    assert "Check the filing-date requirements" in page  # the open task
    assert "Process started" in page and "Message received" in page  # the history: filing and payment
    assert f'data-diagram-url="/cases/{case.case_id}/diagram.json"' in page


def test_the_diagram_data_is_the_version_xml_with_completed_and_current_elements(case, browser, client):
    browser.login("clerk")
    data = client.get(f"/cases/{case.case_id}/diagram.json").get_json()
    assert data["process_id"] == "trademark" and '<bpmn:process id="trademark"' in data["xml"]
    assert data["current"] == ["check"]
    assert "collect_filing_fee" in data["completed"] and "check" not in data["completed"]


def test_while_a_call_activity_runs_the_call_activity_is_current(office, browser, client):
    office.file("trademark", trademark_filing())  # waiting in collect_fee for the payment
    browser.login("clerk")
    data = client.get(f"/cases/{office.case_id}/diagram.json").get_json()
    assert data["current"] == ["collect_filing_fee"]


def test_an_uploaded_pdf_is_listed_audited_and_downloaded_as_an_attachment(case, browser, client):
    browser.login("clerk")
    page = _upload(browser, client, case.case_id, "reply of the applicant.pdf", PDF).get_data(as_text=True)
    assert "uploaded" in page and "reply of the applicant.pdf" in page
    link = re.search(rf'href="(/cases/{case.case_id}/documents/\d+)">reply of the applicant.pdf', page).group(1)
    response = client.get(link)
    assert response.data == PDF and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response.headers["Content-Security-Policy"]
    with case.ipflow.db.reading() as session:
        assert session.query(AuditEvent).filter_by(kind="document_uploaded", actor="clerk").count() == 1


@pytest.mark.parametrize("name, content, message", [
    ("evil.pdf", b"MZ\x90\x00 a program", "Upload a PDF, PNG, JPEG or TIFF file."),
    ("drawing.svg", b"<svg onload=alert(1)></svg>", "Upload a PDF, PNG, JPEG or TIFF file."),
    ("page.html", b"<html><script>alert(1)</script></html>", "Upload a PDF, PNG, JPEG or TIFF file."),
    ("empty.pdf", b"", "Choose a file"),
])
def test_uploads_that_are_not_documents_we_accept_are_refused_with_a_reason(case, browser, client, name, content, message):
    browser.login("clerk")
    page = _upload(browser, client, case.case_id, name, content).get_data(as_text=True)
    assert message in page and _uploads(case) == 0


def test_an_upload_over_the_size_limit_is_refused_before_it_is_stored(case, browser, client, app):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    browser.login("clerk")
    response = _upload(browser, client, case.case_id, "big.pdf", PDF + b"0" * 70 * 1024)
    assert response.status_code == 413
    assert _uploads(case) == 0


def test_a_document_of_another_case_is_not_found_through_this_case(case, browser, client):
    browser.login("clerk")
    _upload(browser, client, case.case_id, "a.png", PNG)
    second = Office(case.ipflow).file("trademark", trademark_filing(title="OTHER"))
    page = client.get(f"/cases/{case.case_id}").get_data(as_text=True)
    document_id = re.search(rf'/cases/{case.case_id}/documents/(\d+)">a.png', page).group(1)
    assert client.get(f"/cases/{second.case_id}/documents/{document_id}").status_code == 404
    inline = client.get(f"/cases/{case.case_id}/documents/{document_id}?inline=1")
    assert inline.headers["Content-Disposition"].startswith("inline;")


def test_comments_are_added_escaped_and_an_empty_one_is_refused(case, browser, client):
    browser.login("examiner")
    token = browser.token(f"/cases/{case.case_id}")
    page = client.post(f"/cases/{case.case_id}/comments", data={"csrf_token": token, "body": f"Check the mark {XSS}"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Check the mark &lt;img src=x onerror=alert(1)&gt;" in page and XSS not in page
    page = client.post(f"/cases/{case.case_id}/comments", data={"csrf_token": token, "body": "   "},
                       follow_redirects=True).get_data(as_text=True)
    assert "Write the comment before adding it." in page
    assert client.post(f"/cases/{case.case_id}/comments", data={"body": "no token"}).status_code == 400


def test_history_shows_who_submitted_what(case, browser, client):
    task = next(t for t in case.tasks())
    browser.login("clerk")
    client.post(f"/tasks/{task.id}/complete", data={"csrf_token": browser.token(f"/tasks/{task.id}"),
                                                  "requirements_present": ["applicant", "mark", "goods"], "filing_date_met": "yes"})
    page = client.get(f"/cases/{case.case_id}").get_data(as_text=True)
    row = re.search(r"<tr class=\"by-person\">(?:(?!</tr>).)*Check the filing-date requirements(?:(?!</tr>).)*</tr>", page, re.S).group(0)
    assert "Task completed" in row and "clerk" in row and "filing_date_met" in row and "yes" in row


def test_an_unknown_case_is_404_and_analysts_do_not_see_case_files(case, browser, client):
    browser.login("clerk")
    assert client.get("/cases/999999").status_code == 404
    browser.logout()
    browser.login("analyst")
    assert client.get(f"/cases/{case.case_id}").status_code == 403
