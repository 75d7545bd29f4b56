"""The audit log: managers and admins search every audited event by case, person, activity and
date, page through it, and download it as CSV with spreadsheet formulas defused."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from engine.errors import InvalidInput
from engine.services.audit_log import PER_PAGE, AuditQuery, audit_page
from engine.services.case_notes import add_comment
from scenario_support import Office, trademark_filing


@pytest.fixture
def two_cases(office):
    first = Office(office.ipflow).file("trademark", trademark_filing())
    first.pay()
    office.clock.advance(timedelta(days=3))
    second = Office(office.ipflow).file("trademark", trademark_filing())
    add_comment(office.ipflow, second.case_id, "examiner", "=HYPERLINK(\"http://evil.example\")")
    return first, second


def rows(page):
    return [(r.kind, r.actor, r.case_number) for r in page.rows]


def test_a_case_number_typed_loosely_finds_that_case_only(office, two_cases):
    first, second = two_cases
    loose = first.number.lower().replace("/", " ")
    found = audit_page(office.ipflow, AuditQuery(case_number=loose))
    assert found.total > 0 and {number for _, _, number in rows(found)} == {first.number}
    assert {"instance_started", "message_received"} <= {kind for kind, _, _ in rows(found)}


def test_person_activity_and_dates_narrow_the_log(office, two_cases):
    first, second = two_cases
    by_examiner = audit_page(office.ipflow, AuditQuery(actor="examiner"))
    assert rows(by_examiner) == [("comment_added", "examiner", second.number)]
    payments = audit_page(office.ipflow, AuditQuery(kind="message_received"))
    assert {number for _, _, number in rows(payments)} == {first.number}
    today = office.ipflow.clock.now().astimezone(office.ipflow.office_zone).date()
    recent = audit_page(office.ipflow, AuditQuery(date_from=today, date_to=today))
    assert {number for _, _, number in rows(recent)} == {second.number}  # the first case was filed three days ago
    assert audit_page(office.ipflow, AuditQuery(date_to=today - timedelta(days=1))).total == audit_page(
        office.ipflow, AuditQuery(case_number=first.number)
    ).total


def test_pages_hold_fifty_events_newest_first(office, two_cases):
    for n in range(PER_PAGE):
        add_comment(office.ipflow, two_cases[0].case_id, "clerk", f"note {n}")
    first_page = audit_page(office.ipflow, AuditQuery())
    second_page = audit_page(office.ipflow, AuditQuery(page=2))
    assert len(first_page.rows) == PER_PAGE and first_page.pages >= 2
    assert first_page.rows[0].at >= first_page.rows[-1].at >= second_page.rows[0].at
    assert not {r.id for r in first_page.rows} & {r.id for r in second_page.rows}


def test_bad_filters_name_the_field_and_what_to_write():
    with pytest.raises(InvalidInput) as refused:
        AuditQuery.from_args({"from": "02/03/2026", "to": "2026-01-01", "page": "zero"})
    assert refused.value.fields == {
        "from": ["Write the date as YYYY-MM-DD, e.g. 2026-03-02."],
        "page": ["The page is a whole number from 1."],
    }
    with pytest.raises(InvalidInput) as refused:
        AuditQuery.from_args({"from": "2026-02-01", "to": "2026-01-01"})
    assert refused.value.fields == {"to": ["The end date comes before the start date."]}


def test_the_page_shows_the_events_and_marks_a_bad_filter(browser, two_cases):
    browser.login("manager")
    client = browser.client
    first, _ = two_cases
    page = client.get(f"/audit?case={first.number}")
    assert page.status_code == 200
    assert first.number in page.text and "Process started" in page.text
    bad = client.get("/audit?from=yesterday")
    assert bad.status_code == 400 and "Write the date as YYYY-MM-DD" in bad.text


def test_the_csv_holds_every_matching_event_with_formulas_defused(browser, office, two_cases):
    browser.login("admin")
    client = browser.client
    _, second = two_cases
    answer = client.get(f"/audit/export.csv?case={second.number}")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    table = list(csv.reader(io.StringIO(answer.get_data(as_text=True).removeprefix("\ufeff"))))
    assert table[0] == ["id", "at (UTC)", "activity", "kind", "who", "case", "element", "details"]
    assert {row[5] for row in table[1:]} == {second.number}
    assert len(table) - 1 == audit_page(office.ipflow, AuditQuery(case_number=second.number)).total
    assert client.get("/audit/export.csv?to=soon").status_code == 400


def test_a_cell_that_a_spreadsheet_would_run_is_written_as_text():
    from webui.csv_export import cell

    assert [cell(v) for v in ("=1+1", "+31", "-2", "@SUM(A1)", "\tx", "plain", None, 7)] == [
        "'=1+1", "'+31", "'-2", "'@SUM(A1)", "'\tx", "plain", "", "7",
    ]  # fmt: skip
