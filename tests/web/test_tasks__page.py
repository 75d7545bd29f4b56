"""The task page: instructions and case beside the form, messages next to the fields, drafts, and
completing moves the person on to their next task."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.db.models import AuditEvent, HumanTask
from scenario_support import trademark_filing

CHECK = "Check the filing-date requirements"
XSS = '<script>alert("x")</script>'


def _filed(office, **overrides):
    office.file("trademark", trademark_filing(**overrides))
    office.pay()
    return next(t for t in office.tasks() if t.name == CHECK)


def _row(office, task_id) -> HumanTask:
    with office.ipflow.db.reading() as session:
        return session.get(HumanTask, task_id)


def test_the_page_shows_instructions_over_case_data_the_form_and_the_case(office, browser, client):
    task = _filed(office)
    browser.login("clerk")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    instructions = re.search(r'<section class="panel instructions".*?</section>', page, re.S).group(0)
    assert office.number in instructions and "ACME Ltd" in instructions and "3, 5, 21, 35" in instructions
    assert 'name="filing_date_met"' in page and 'name="requirements_present"' in page
    summary = re.search(r'<section class="panel case-summary".*?</section>', page, re.S).group(0)
    assert "ACME SPARKLE" in summary and "ACME Ltd (BG)" in summary and "3, 5, 21, 35" in summary
    assert "filing" in summary.lower()  # the paid filing fee sheet is listed


def test_an_invalid_submission_shows_the_message_next_to_the_field_and_keeps_the_values(office, browser, client):
    task = _filed(office)
    browser.login("clerk")
    token = browser.token(f"/tasks/{task.id}")
    response = client.post(f"/tasks/{task.id}/complete", data={
        "csrf_token": token, "requirements_present": ["applicant", "mark"], "deficiency_notes": "No list of goods yet.",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    radio = re.search(r'<fieldset class="form-field form-choices has-error" id="[^"]*filing_date_met.*?</fieldset>', page, re.S)
    assert radio is not None and "field-error" in radio.group(0)
    assert ">No list of goods yet.</textarea>" in page
    assert re.search(r'value="applicant"[^>]* checked', page) and re.search(r'value="mark"[^>]* checked', page)
    assert not re.search(r'value="goods"[^>]* checked', page)
    assert _row(office, task.id).status == "open"


def test_a_draft_is_kept_and_claims_the_task_for_its_author(office, browser, client):
    task = _filed(office)
    browser.login("clerk")
    token = browser.token(f"/tasks/{task.id}")
    response = client.post(f"/tasks/{task.id}/draft", data={"csrf_token": token, "deficiency_notes": "Half done"})
    assert response.status_code == 302
    row = _row(office, task.id)
    assert row.assignee == "clerk" and row.draft["deficiency_notes"] == "Half done"
    assert ">Half done</textarea>" in client.get(f"/tasks/{task.id}").get_data(as_text=True)


def test_completing_moves_the_person_to_their_next_task_and_records_what_was_submitted(office, browser, client):
    task = _filed(office)
    browser.login("clerk")
    token = browser.token(f"/tasks/{task.id}")
    response = client.post(f"/tasks/{task.id}/complete", data={
        "csrf_token": token, "requirements_present": ["applicant", "mark", "goods"], "filing_date_met": "yes",
    })
    assert response.status_code == 302
    following = next(t for t in office.tasks() if t.name == "Examine the formalities")
    assert response.headers["Location"].endswith(f"/tasks/{following.id}")
    with office.ipflow.db.reading() as session:
        done = session.scalar(select(AuditEvent).where(AuditEvent.task_id == task.id, AuditEvent.kind == "task_completed"))
    assert done.actor == "clerk" and done.data["filing_date_met"] == "yes"
    assert _row(office, task.id).completed_by == "clerk"


def test_when_nothing_is_left_completing_returns_to_the_inbox(office, browser, client):
    task = _filed(office)
    browser.login("clerk")
    client.post(f"/tasks/{task.id}/complete", data={"csrf_token": browser.token(f"/tasks/{task.id}"),
                                                  "requirements_present": ["applicant", "mark", "goods"], "filing_date_met": "yes"})
    formalities = next(t for t in office.tasks() if t.name == "Examine the formalities")
    response = client.post(f"/tasks/{formalities.id}/complete", data={"csrf_token": browser.token(f"/tasks/{formalities.id}"),
                                                                       "representative_ok": "true", "priority_ok": "true"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/inbox")
    assert [t.name for t in office.tasks()] == ["Check the Nice classification"]


@pytest.mark.parametrize("who, status", [("examiner", 403), ("analyst", 403), ("manager", 200)])
def test_only_people_the_task_is_offered_to_or_managers_see_it(office, browser, client, who, status):
    task = _filed(office)
    browser.login(who)
    assert client.get(f"/tasks/{task.id}").status_code == status


def test_a_task_claimed_by_someone_else_cannot_be_completed_by_me(office, browser, client):
    task = _filed(office)
    with office.ipflow.db.transaction() as session:
        session.get(HumanTask, task.id).assignee = "manager"
    browser.login("clerk")
    token = browser.token(f"/tasks/{task.id}")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "manager is working on this task" in page and "Complete task" not in page
    response = client.post(f"/tasks/{task.id}/complete", data={"csrf_token": token, "filing_date_met": "yes"}, follow_redirects=True)
    assert "was not completed" in response.get_data(as_text=True)
    assert _row(office, task.id).status == "open"


def test_a_completion_without_the_csrf_token_is_refused(office, browser, client):
    task = _filed(office)
    browser.login("clerk")
    response = client.post(f"/tasks/{task.id}/complete", data={"filing_date_met": "yes"})
    assert response.status_code == 400
    assert _row(office, task.id).status == "open"


def test_case_data_typed_by_an_applicant_comes_back_escaped_in_instructions_and_summary(office, browser, client):
    applicant = {"name": XSS, "address": "1 Main Street", "country": "BG", "email": "a@b.example"}
    task = _filed(office, verbal_element=f"[click](javascript:alert(1)) {XSS}", title="T", applicants=[applicant])
    browser.login("clerk")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "javascript:" not in page.replace("javascript:alert(1)) &lt;", "")
    assert 'href="javascript' not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page or "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
