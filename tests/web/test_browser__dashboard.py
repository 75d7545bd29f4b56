"""The manager's dashboard in a real browser: the top bar leads there, every table's chart is drawn
by Chart.js under the page's CSP, and filtering to trademarks redraws them with no console error."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from browser_support import screenshot, sign_in
from engine.db.models import Deadline, HumanTask
from scenario_support import design_filing, patent_filing, trademark_filing

pytestmark = pytest.mark.browser


def test_a_manager_opens_the_dashboard_and_filters_to_trademarks(office, page, browser_errors):
    from playwright.sync_api import expect

    for right_type, filing in (("design", design_filing()), ("patent", patent_filing()), ("trademark", trademark_filing())):
        office.file(right_type, filing)
        office.pay()
    office.complete("check", filing_date_met="yes")  # the trademark's first step, by a clerk
    with office.ipflow.db.transaction() as session:
        session.add(
            Deadline(
                case_id=office.case_id,
                kind="deficiency",
                legal_kind="office-set",
                event_date=date(2026, 2, 1),
                due_date=date(2026, 2, 20),
                status="open",
            )
        )
        session.query(HumanTask).filter(HumanTask.status == "open").update({"assignee": "examiner"})

    sign_in(page, "manager")
    page.click("nav[aria-label=Management] >> text=Dashboard")
    expect(page.locator("h1")).to_have_text("Dashboard")
    drawn = page.locator("canvas[data-chart][data-drawn=true]")
    # Every table with rows has its chart; unmatched payments there are none (the fees were matched).
    expect(drawn).to_have_count(7)
    assert "payments" not in [c.get_attribute("data-chart") for c in drawn.all()]
    assert page.locator("table[data-table=backlog] tbody tr").count() >= 2  # a stage and the total row
    assert page.evaluate("document.querySelector('#chart-backlog').chart.data.datasets[0].data") == [3]

    page.select_option("#right_type", "trademark")
    page.fill("#date_from", (date(2026, 3, 2) - timedelta(days=30)).isoformat())
    with page.expect_navigation():
        page.click(".dashboard-filters button[type=submit]")
    assert "right_type=trademark" in page.url
    expect(page.locator("text=Only trademarks")).to_be_visible()
    expect(page.locator("#chart-backlog[data-drawn=true]")).to_be_visible()
    assert page.evaluate("document.querySelector('#chart-backlog').chart.data.datasets[0].data") == [1]
    assert page.evaluate("document.querySelector('#chart-deadlines').chart.data.labels") == ["deficiency"]
    assert "Nothing to show" in page.locator("#section-payments").inner_text()
    csv_link = page.locator("#section-backlog a[download]")
    assert "right_type=trademark" in csv_link.get_attribute("href")
    screenshot(page, "manager__dashboard")
    assert browser_errors == []
