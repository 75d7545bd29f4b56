"""The examiner's day in a real browser: a clerk claims the reception task of a new trademark case,
sends its form once with a mistake (the message sits next to the field, the values stay), then
right; the case moves on to the examiners' group inbox, and the examiner opens its case file
with the diagram marking the step waiting now. Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

import pytest

from browser_support import screenshot, sign_in
from scenario_support import trademark_filing

pytestmark = pytest.mark.browser

CHECK = "Check the filing-date requirements"


def _groups_tab(page):
    page.click("nav.tabs a:has-text(\"My groups' tasks\")")
    page.wait_for_load_state()


def test_a_clerk_clears_reception_and_the_examiner_finds_the_case_in_the_group_inbox(office, page, browser_errors):
    from playwright.sync_api import expect

    office.file("trademark", trademark_filing())
    office.pay()
    task = next(t for t in office.tasks() if t.name == CHECK)

    sign_in(page, "clerk")
    _groups_tab(page)
    row = page.locator(f'tr[data-task-id="{task.id}"]')
    expect(row).to_contain_text(office.number)
    expect(row).to_contain_text("ACME Ltd")
    screenshot(page, "inbox")
    row.locator("button:has-text('Claim')").click()
    expect(page.locator(".flash.success")).to_contain_text("Claimed")

    page.click('nav.tabs a:has-text("My tasks")')
    page.locator(f'tr[data-task-id="{task.id}"] a:has-text("{CHECK}")').click()
    expect(page.locator("h1")).to_have_text(CHECK)
    expect(page.locator("section.instructions")).to_contain_text(office.number)

    # Once with a mistake: the filing-date decision is left out.
    page.check("input[name=requirements_present][value=applicant]")
    page.fill("textarea[name=deficiency_notes]", "Goods list arrived by post.")
    page.click("button:has-text('Complete task')")
    decision = page.locator("fieldset.has-error:has(input[name=filing_date_met])")
    expect(decision.locator(".field-error")).to_be_visible()
    expect(page.locator("textarea[name=deficiency_notes]")).to_have_value("Goods list arrived by post.")
    expect(page.locator("input[name=requirements_present][value=applicant]")).to_be_checked()
    screenshot(page, "task-page__invalid")

    # Then right: completing moves the clerk on to the next step of the case.
    page.check("input[name=requirements_present][value=mark]")
    page.check("input[name=requirements_present][value=goods]")
    page.check("input[name=filing_date_met][value=yes]")
    page.click("button:has-text('Complete task')")
    expect(page.locator("h1")).to_have_text("Examine the formalities")
    expect(page.locator("aside .case-summary")).to_contain_text("ACME SPARKLE")
    screenshot(page, "task-page")
    page.check("input[name=representative_ok]")
    page.check("input[name=priority_ok]")
    page.click("button:has-text('Complete task')")
    expect(page.locator(".flash.success")).to_contain_text("Your inbox is clear")
    page.click("button:has-text('Sign out')")

    sign_in(page, "examiner")
    _groups_tab(page)
    row = page.locator("tr", has_text=office.number)
    expect(row).to_contain_text("Check the Nice classification")
    row.locator(f"a:has-text('{office.number}')").click()
    diagram = page.locator('.case-diagram[data-diagram-ready="true"]')
    expect(diagram).to_have_attribute("data-current", "classification")
    assert "ipflow-current" in page.get_attribute('g.djs-element[data-element-id="classification"]', "class")
    assert "ipflow-completed" in page.get_attribute('g.djs-element[data-element-id="check"]', "class")
    expect(page.locator("#history")).to_contain_text("clerk")
    screenshot(page, "case-file")
    # The refused submission answers 422 (the form comes back with its messages); Chromium logs that.
    refused = f"status of 422 (UNPROCESSABLE ENTITY) [{page.url.split('/cases')[0]}/tasks/{task.id}/complete]"
    assert [e for e in browser_errors if not e.endswith(refused)] == []
