"""The inbox's query side: tabs, tab counts that ignore the filters, filters (right, task, due dates
in the office's zone, overdue, text with literal wildcards), sorting, paging, and the query shape
that saved filters store."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from engine.errors import InvalidInput, NotFound, PermissionDenied
from engine.services.inbox import COUNT_LIMIT, inbox_page
from engine.services.inbox_query import InboxQuery
from inbox_seeding import add_task, add_tasks

UTC = timezone.utc


def page(ctx, user="examiner", **query):
    return inbox_page(ctx, user, InboxQuery(**query))


def ids(result) -> list[str]:
    return [r.task_id for r in result.rows]


def test_tabs_split_my_tasks_my_groups_and_all_and_never_show_closed_ones(ipflow):
    mine = add_task(ipflow, assignee="examiner")
    offered = add_task(ipflow)
    for_clerks = add_task(ipflow, roles=("clerk",), element_id="check", name="Check the filing date")
    someone_elses = add_task(ipflow, assignee="manager")
    add_task(ipflow, status="completed")

    assert ids(page(ipflow, tab="mine")) == [mine]
    assert ids(page(ipflow, tab="groups")) == [offered]
    assert ids(page(ipflow, "clerk", tab="groups")) == [for_clerks]
    assert set(ids(page(ipflow, "manager", tab="all"))) == {mine, offered, for_clerks, someone_elses}
    with pytest.raises(PermissionDenied):
        page(ipflow, tab="all")
    assert page(ipflow).tabs == ("mine", "groups") and page(ipflow, "manager").tabs == ("mine", "groups", "all")
    with pytest.raises(NotFound):
        page(ipflow, "nobody")


def test_tab_counts_show_the_workload_whatever_the_filters(ipflow):
    add_task(ipflow, assignee="examiner", right_type="patent")
    add_task(ipflow, assignee="examiner")
    for _ in range(3):
        add_task(ipflow)
    add_task(ipflow, roles=("clerk",))

    filtered = page(ipflow, tab="groups", right_type="patent")
    assert filtered.counts == {"mine": 2, "groups": 3}
    assert filtered.total == 0 and filtered.rows == ()
    assert page(ipflow, tab="mine", right_type="patent").total == 1
    assert page(ipflow, "manager", tab="all").counts == {"mine": 0, "groups": 4, "all": 6}


def test_filters_by_right_type_task_and_the_task_choices_of_the_tab(ipflow):
    trademark = add_task(ipflow, right_type="trademark")
    design = add_task(ipflow, right_type="design", element_id="design_exam", name="Examine the design")
    demo = add_task(ipflow, right_type=None, element_id="review", name="Review", business_key="DEMO-1")
    add_task(ipflow, roles=("clerk",), element_id="check", name="Check the filing date")

    assert ids(page(ipflow, tab="groups", right_type="design")) == [design]
    assert ids(page(ipflow, tab="groups", task="examination")) == [trademark]
    everything = page(ipflow, tab="groups")
    assert set(ids(everything)) == {trademark, design, demo}
    assert [(c.element_id, c.name) for c in everything.task_choices] == [  # by name, for the select
        ("examination", "Examine absolute grounds"), ("design_exam", "Examine the design"), ("review", "Review")]
    assert page(ipflow, tab="mine").task_choices == ()


def test_due_dates_are_office_dates_and_overdue_means_due_before_office_today(ipflow, clock):
    # The office is in Europe/Sofia (UTC+2 in March); office today is 2026-03-02.
    late_evening_utc = add_task(ipflow, due=datetime(2026, 3, 5, 23, 30, tzinfo=UTC))  # 6 March in Sofia
    yesterday = add_task(ipflow, due=datetime(2026, 3, 1, 21, 0, tzinfo=UTC))  # 23:00 on 1 March in Sofia
    today_early = add_task(ipflow, due=datetime(2026, 3, 1, 23, 0, tzinfo=UTC))  # 01:00 on 2 March in Sofia
    no_due = add_task(ipflow)

    assert ids(page(ipflow, tab="groups", due_to=date(2026, 3, 5))) == [yesterday, today_early]
    assert ids(page(ipflow, tab="groups", due_from=date(2026, 3, 6), due_to=date(2026, 3, 6))) == [late_evening_utc]
    assert ids(page(ipflow, tab="groups", overdue=True)) == [yesterday]
    rows = {r.task_id: r for r in page(ipflow, tab="groups").rows}
    assert (rows[yesterday].days_left, rows[yesterday].due_class) == (-1, "overdue")
    assert (rows[today_early].days_left, rows[today_early].due_class, rows[today_early].due_date) == (0, "soon", date(2026, 3, 2))
    assert (rows[late_evening_utc].days_left, rows[late_evening_utc].due_date) == (4, date(2026, 3, 6))
    assert (rows[no_due].days_left, rows[no_due].due_class) == (None, "none")
    clock.advance(timedelta(days=1))
    assert ids(page(ipflow, tab="groups", overdue=True)) == [yesterday, today_early]
    assert {r.task_id: r.due_class for r in page(ipflow, tab="groups").rows}[late_evening_utc] == "soon"


def test_text_matches_number_applicant_mark_and_title_ignoring_case_and_wildcards_are_literal(ipflow):
    by_number = add_task(ipflow, number="40-2026-000123")
    by_applicant = add_task(ipflow, applicants=("First Holder", "Zebra Foods OOD"))
    by_mark = add_task(ipflow, verbal="SPARKLE", title="Sparkle device")
    by_title = add_task(ipflow, right_type="patent", title="Solar panel coating")
    by_key = add_task(ipflow, right_type=None, business_key="DEMO-77")
    percent = add_task(ipflow, title="100% COTTON")
    underscore = add_task(ipflow, title="A_B")
    add_task(ipflow, title="100 COTTON")
    add_task(ipflow, title="AXB")

    def found(text):
        return set(ids(page(ipflow, tab="groups", text=text)))

    assert found("000123") == {by_number}
    assert found("zebra") == {by_applicant}
    assert found("sparkle") == {by_mark}
    assert found("SOLAR") == {by_title}
    assert found("demo-77") == {by_key}
    assert found("0%") == {percent}
    assert found("%") == {percent}
    assert found("_") == {underscore}
    assert found("a_b") == {underscore}


def test_rows_carry_the_case_the_first_applicant_and_the_candidate_roles(ipflow):
    with_case = add_task(ipflow, number="40-2026-000001", verbal="ACME SPARKLE", title="ignored for a word mark",
                         applicants=("ACME Ltd", "Second Ltd"), roles=("examiner", "manager"), priority=2)
    patent = add_task(ipflow, right_type="patent", title="Coating", number=None, business_key="10-2026-000009")
    demo = add_task(ipflow, right_type=None, business_key="DEMO-1")

    rows = {r.task_id: r for r in page(ipflow, tab="groups").rows}
    row = rows[with_case]
    assert (row.case_number, row.right_type, row.subject, row.applicant, row.candidate_roles, row.priority) == (
        "40-2026-000001", "trademark", "ACME SPARKLE", "ACME Ltd", ("examiner", "manager"), 2)
    assert row.case_id is not None and row.task_name == "Examine absolute grounds" and row.assignee is None
    assert (rows[patent].case_number, rows[patent].subject) == ("10-2026-000009", "Coating")
    demo_row = rows[demo]
    assert (demo_row.case_id, demo_row.case_number, demo_row.right_type, demo_row.applicant) == (None, "DEMO-1", None, None)


def test_sorting(ipflow, clock):
    start = clock.now()
    early = add_task(ipflow, due=start + timedelta(days=2), created=start + timedelta(hours=3), number="40-2026-000003")
    late = add_task(ipflow, due=start + timedelta(days=9), created=start + timedelta(hours=1), number="40-2026-000001",
                    priority=2)
    undated = add_task(ipflow, created=start + timedelta(hours=0), number="40-2026-000002")
    same_due_older = add_task(ipflow, due=start + timedelta(days=2), created=start + timedelta(hours=2), priority=2,
                              number="40-2026-000004")

    def order(sort):
        return ids(page(ipflow, tab="groups", sort=sort))

    assert order("due") == [same_due_older, early, late, undated]
    assert order("-due") == [undated, late, early, same_due_older]  # no due date counts as latest
    assert order("created") == [undated, late, same_due_older, early]
    assert order("-created") == [early, same_due_older, late, undated]
    assert order("priority") == [same_due_older, late, early, undated]
    assert order("case") == [late, undated, early, same_due_older]


def test_paging_walks_every_row_once(ipflow, clock):
    made = [add_task(ipflow, due=clock.now() + timedelta(days=n)) for n in range(7)]
    first = page(ipflow, tab="groups", per_page=3)
    assert (first.total, first.pages, first.page) == (7, 3, 1)
    seen = [i for n in (1, 2, 3) for i in ids(page(ipflow, tab="groups", per_page=3, page=n))]
    assert seen == made
    assert page(ipflow, tab="groups", per_page=3, page=9).rows == ()


def test_counting_stops_past_the_limit_and_a_deep_page_still_knows_a_next_one_follows(ipflow):
    add_tasks(ipflow, COUNT_LIMIT + 30, right_type=None)  # in one transaction
    add_task(ipflow, assignee="examiner")

    first = page(ipflow, tab="groups")
    assert first.counts == {"mine": 1, "groups": COUNT_LIMIT} and first.capped == {"groups"}
    assert (first.count_text("groups"), first.count_text("mine")) == (f"{COUNT_LIMIT}+", "1")
    assert (first.total, first.total_capped, first.pages) == (COUNT_LIMIT, True, COUNT_LIMIT // 25)
    deep = page(ipflow, tab="groups", per_page=100, page=5)
    assert (deep.total, deep.total_capped, len(deep.rows)) == (COUNT_LIMIT, True, 100)
    last = page(ipflow, tab="groups", per_page=100, page=6)
    assert (last.total, last.total_capped, last.pages, len(last.rows)) == (COUNT_LIMIT + 30, False, 6, 30)
    assert page(ipflow, tab="groups", task="examination").total_capped


def test_query_from_a_dict_refuses_unknown_keys_and_bad_values_naming_each_field():
    with pytest.raises(InvalidInput) as refused:
        InboxQuery.from_dict({"tab": "everything", "due_from": "notadate", "per_page": "1000", "page": "0",
                              "overdue": "maybe", "sort": "name", "right_type": "copyright", "colour": "red"})
    assert set(refused.value.fields) == {"tab", "due_from", "per_page", "page", "overdue", "sort", "right_type", "colour"}
    with pytest.raises(InvalidInput) as reversed_range:
        InboxQuery.from_dict({"due_from": "2026-03-09", "due_to": "2026-03-01"})
    assert set(reversed_range.value.fields) == {"due_to"}
    with pytest.raises(InvalidInput):
        InboxQuery.from_dict({"text": "x" * 201})


def test_query_round_trips_through_its_dict_and_reads_a_query_string():
    query = InboxQuery(tab="groups", right_type="design", task="check", due_from=date(2026, 3, 1), due_to=date(2026, 3, 31),
                       overdue=True, text="acme", sort="-created", page=3, per_page=50)
    assert InboxQuery.from_dict(query.as_dict()) == query
    assert InboxQuery().as_dict() == {}
    assert InboxQuery.from_args({"tab": "groups", "overdue": "on", "text": "  ", "csrf_token": "t", "next": "/"}) == InboxQuery(
        tab="groups", overdue=True)
    assert InboxQuery.from_args({"overdue": "True", "right_type": ""}) == InboxQuery(overdue=True)
