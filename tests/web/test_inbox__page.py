"""GET /inbox: rows with links and due dates, tab counts, filters from the query string, bad filter
values answered with a 400 next to the filter, and a page built in the same number of SQL
statements whether it shows 3 rows or 40."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from inbox_seeding import add_tasks

UTC = timezone.utc


def tab_counts(html: str) -> dict[str, int]:
    return {tab: int(n) for tab, n in re.findall(r'data-tab-count="(\w+)">(\d+)<', html)}


def row_ids(html: str) -> list[str]:
    return re.findall(r'<tr data-task-id="([^"]+)"', html)


def test_the_page_shows_rows_with_links_due_dates_and_tab_counts(ipflow, browser, client, clock):
    [(overdue, overdue_case)] = add_tasks(ipflow, due=datetime(2026, 2, 27, 12, tzinfo=UTC), verbal="ACME SPARKLE",
                                             applicants=("Zebra <Foods>",))
    [(soon, _)] = add_tasks(ipflow, due=datetime(2026, 3, 5, 12, tzinfo=UTC), right_type="patent", title="Solar coating")
    add_tasks(ipflow, 2, assignee="examiner")
    add_tasks(ipflow, roles=("clerk",))
    browser.login("examiner")

    response = client.get("/inbox?tab=groups")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert row_ids(html) == [overdue, soon]
    assert tab_counts(html) == {"mine": 2, "groups": 2}
    assert f'href="/cases/{overdue_case}"' in html and f'href="/tasks/{overdue}"' in html
    assert "Zebra &lt;Foods&gt;" in html and "ACME SPARKLE" in html and "Solar coating" in html
    assert re.search(r'class="days due-overdue">\s*3 days overdue', html)
    assert re.search(r'class="days due-soon">\s*3 days left', html)
    assert ">All<" not in html  # the "all" tab is the managers'
    assert row_ids(client.get("/inbox").get_data(as_text=True)) != []  # "My tasks" is the default tab


def test_filters_from_the_query_string_narrow_the_rows_and_paging_keeps_them(ipflow, browser, client):
    add_tasks(ipflow, 3, right_type="design", title="Drinking glass")
    [(patent, _)] = add_tasks(ipflow, right_type="patent", title="Solar coating")
    browser.login("examiner")

    assert row_ids(client.get("/inbox?tab=groups&right_type=patent").get_data(as_text=True)) == [patent]
    assert row_ids(client.get("/inbox?tab=groups&text=solar").get_data(as_text=True)) == [patent]
    paged = client.get("/inbox?tab=groups&right_type=design&per_page=2").get_data(as_text=True)
    assert len(row_ids(paged)) == 2 and "Page 1 of 2" in paged
    next_link = re.search(r'<a href="([^"]+)" rel="next">', paged).group(1).replace("&amp;", "&")
    assert "right_type=design" in next_link and "per_page=2" in next_link and "page=2" in next_link
    assert len(row_ids(client.get(next_link).get_data(as_text=True))) == 1


@pytest.mark.parametrize(("query", "field", "message"), [
    ("due_from=notadate", "due_from", "Give a date as YYYY-MM-DD."),
    ("per_page=1000", "per_page", "Give a whole number from 1 to 100."),
    ("due_from=2026-03-09&due_to=2026-03-01", "due_to", "Give a date on or after"),
    ("right_type=copyright", "right_type", "Choose one of: trademark, patent, design."),
])
def test_a_bad_filter_value_answers_400_with_the_message_next_to_its_filter(ipflow, browser, client, query, field, message):
    add_tasks(ipflow, assignee="examiner")
    browser.login("examiner")
    response = client.get(f"/inbox?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(rf'id="error-{field}">{re.escape(message)}', html)
    assert tab_counts(html) == {"mine": 1, "groups": 0}  # the rest of the page still works, without the bad value


def test_the_all_tab_is_for_managers_only(ipflow, browser, client):
    add_tasks(ipflow, 2)
    add_tasks(ipflow, roles=("registrar",), assignee="registrar")
    browser.login("examiner")
    assert client.get("/inbox?tab=all").status_code == 403
    client.post("/logout", data={"csrf_token": browser.token("/inbox")})
    browser.login("manager")
    html = client.get("/inbox?tab=all").get_data(as_text=True)
    assert len(row_ids(html)) == 3
    assert tab_counts(html) == {"mine": 0, "groups": 2, "all": 3}


@pytest.mark.parametrize(("user", "tab"), [("examiner", "groups"), ("manager", "all")])
def test_the_page_takes_as_many_sql_statements_for_40_rows_as_for_3(ipflow, browser, client, user, tab):
    add_tasks(ipflow, 3)
    browser.login(user)
    few = statements_while(client, f"/inbox?tab={tab}&per_page=50", rows=3)
    add_tasks(ipflow, 37, roles=("examiner", "clerk"))
    many = statements_while(client, f"/inbox?tab={tab}&per_page=50", rows=40)
    assert len(many) == len(few), "\n".join(many)
    assert len(few) <= 12, "\n".join(few)


def statements_while(client, path: str, rows: int) -> list[str]:
    """The SQL statements run while answering GET `path` (every engine: SQLite reads use their own)."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", note)
    try:
        response = client.get(path)
    finally:
        event.remove(Engine, "before_cursor_execute", note)
    assert response.status_code == 200
    assert len(row_ids(response.get_data(as_text=True))) == rows
    return seen
