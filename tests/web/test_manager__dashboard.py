"""The manager's dashboard page: managers only, the date range and right type filter it, a bad
filter is shown next to its field, and each table downloads as CSV with formulas neutralised."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from engine.db.models import Case, HumanTask, Payment
from scenario_support import patent_filing, trademark_filing

TODAY = date(2026, 3, 2)  # the test clock's office date


@pytest.fixture
def filed(office):
    """A trademark and a patent filed today, a case whose stage name looks like a formula, and an
    unmatched payment whose reference does too."""
    office.file("trademark", trademark_filing())
    office.file("patent", patent_filing())
    now = office.clock.now()
    with office.ipflow.db.transaction() as session:
        session.add(
            Case(
                right_type="design",
                status='=HYPERLINK("evil.example")',
                filing_date=TODAY - timedelta(days=40),
                title="Formula",
                created_at=now,
                updated_at=now,
            )
        )
        session.add(Payment(amount=Decimal("12.50"), currency="EUR", reference="+PAY-1", received_at=now - timedelta(days=3)))
    return office


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


def test_a_manager_sees_every_table_with_its_chart_data(filed, browser, client):
    browser.login("manager")
    response = client.get("/manager/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for name in ("backlog", "flow", "pendency", "due-share", "deadlines", "workload", "renewals", "payments"):
        assert f'id="chart-{name}"' in html and f"/manager/dashboard/{name}.csv" in html
    charts = json.loads(re.search(r'<script type="application/json" id="dashboard-charts">(.*?)</script>', html, re.S).group(1))
    assert charts["backlog"]["labels"] == ['=HYPERLINK("evil.example")', "filed"]
    assert charts["backlog"]["datasets"][0]["data"] == [0, 2]  # both real cases filed today: 0-30 days
    assert charts["backlog"]["datasets"][1]["data"] == [1, 0]  # the design, 40 days old: 31-90
    assert charts["payments"]["datasets"][0]["data"] == [1]
    assert "build/manager-dashboard.js" in html
    assert 'value="2025-12-02"' in html and 'value="2026-03-02"' in html  # the default range: 90 days to today
    assert 'href="/manager/dashboard">Dashboard</a>' in html  # the top bar's link
    assert "<script>" not in html  # the chart data is a JSON block, no inline code (CSP 'self')


def test_the_right_type_filter_narrows_the_figures(filed, browser, client):
    browser.login("manager")
    html = client.get("/manager/dashboard?right_type=trademark&date_from=2026-02-01&date_to=2026-03-02").get_data(as_text=True)
    charts = json.loads(re.search(r'id="dashboard-charts">(.*?)</script>', html, re.S).group(1))
    assert charts["backlog"]["labels"] == ["filed"]
    assert charts["backlog"]["datasets"][0]["data"] == [1]
    assert sum(charts["flow"]["datasets"][0]["data"]) == 1  # filed in the range: the trademark only
    assert '<option value="trademark" selected>' in html
    assert "Only trademarks" in html


def test_a_bad_filter_is_named_next_to_its_field(filed, browser, client):
    browser.login("manager")
    response = client.get("/manager/dashboard?date_from=2026-03-05&date_to=2026-03-01&right_type=copyright")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'id="error-right_type">Choose one of: trademark, patent, design, or all right types.</p>', html)
    assert 'id="chart-backlog"' not in html
    assert client.get("/manager/dashboard/backlog.csv?date_from=yesterday").status_code == 400


def test_others_are_refused(filed, browser, client):
    for role in ("clerk", "examiner", "registrar", "analyst", "admin"):
        browser.login(role)
        assert client.get("/manager/dashboard").status_code == 403
        assert client.get("/manager/dashboard/backlog.csv").status_code == 403
        browser.logout()
    html = client.get("/login").get_data(as_text=True)
    assert "/manager/dashboard" not in html


def test_each_table_downloads_as_csv_with_the_filters_and_formulas_neutralised(filed, browser, client):
    browser.login("manager")
    response = client.get("/manager/dashboard/backlog.csv?date_from=2026-01-01&date_to=2026-03-02")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="dashboard-backlog-2026-01-01-2026-03-02.csv"'
    rows = csv_rows(response)
    assert rows[0] == ["Stage", "0-30 days", "31-90 days", "91-180 days", "181-365 days", "over 365 days", "Total"]
    assert rows[1] == ['\'=HYPERLINK("evil.example")', "0", "1", "0", "0", "0", "1"]
    assert rows[2] == ["filed", "2", "0", "0", "0", "0", "2"]
    assert rows[3] == ["All stages", "2", "1", "0", "0", "0", "3"]

    patents = csv_rows(client.get("/manager/dashboard/backlog.csv?right_type=patent"))
    assert patents[1:] == [["filed", "1", "0", "0", "0", "0", "1"], ["All stages", "1", "0", "0", "0", "0", "1"]]

    payments = csv_rows(client.get("/manager/dashboard/payments.csv"))
    assert payments[1][:3] == ["EUR", "1", "12.50"]
    flow = csv_rows(client.get("/manager/dashboard/flow.csv?date_from=2026-02-23&date_to=2026-03-02"))
    assert flow == [
        ["Week", "Week starts", "Filed", "Registered", "Closed otherwise", "Decided"],
        ["2026-W09", "2026-02-23", "0", "0", "0", "0"],
        ["2026-W10", "2026-03-02", "2", "0", "0", "0"],
    ]
    missing = client.get("/manager/dashboard/nope.csv")
    assert missing.status_code == 404
    assert "choose one of backlog, flow" in missing.get_data(as_text=True)


def test_workload_names_the_people_and_counts_their_steps(filed, browser, client):
    office = filed
    office.pay()  # the patent's first step opens once its fee is paid
    with office.ipflow.db.transaction() as session:
        row = session.scalars(select(HumanTask).where(HumanTask.status == "open")).first()
        row.assignee = "clerk"
        session.add(
            HumanTask(
                id="done-1",
                instance_id=row.instance_id,
                element_id="check",
                name="Check",
                status="completed",
                created_at=datetime(2026, 3, 1, 8, tzinfo=timezone.utc),
                completed_at=datetime(2026, 3, 1, 11, 30, tzinfo=timezone.utc),
                completed_by="examiner",
            )
        )
    browser.login("manager")
    rows = csv_rows(client.get("/manager/dashboard/workload.csv"))
    assert rows[0] == ["User", "Name", "Open tasks assigned", "Tasks completed", "Median handling time, hours"]
    by_user = {r[0]: r[1:] for r in rows[1:]}
    assert by_user["clerk"][1:] == ["1", "0", ""]
    assert by_user["examiner"][1:] == ["0", "1", "3.5"]
