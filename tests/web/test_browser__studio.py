"""The studio against the real server: an analyst opens the trademark diagram from the library,
renames a task in the properties panel, shortens the opposition period in the time-limits decision
table, saves both (no problems), deploys; a case filed before stays on version 1 and keeps three
months to oppose, one filed after runs version 2 with two. A broken condition's problem selects its
element."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from browser_support import save_in_studio, screenshot, select_shape, sign_in
from engine.db.models import HumanTask, LibraryDraft
from engine.services.instances import show_instance
from engine.services.workspace import save_file
from scenario_support import Office, trademark_filing, trademark_in_opposition

pytestmark = pytest.mark.browser


def test_an_analyst_edits_saves_and_deploys_and_only_new_cases_take_the_new_version(office, page, browser_errors):
    from playwright.sync_api import expect

    before = Office(office.ipflow).file("trademark", trademark_filing())
    sign_in(page, "analyst")
    page.goto("/studio")
    page.click("a:has-text('edit trademark/trademark.bpmn')")
    page.wait_for_selector('#studio-editor[data-state="ready"]')

    select_shape(page, "Examine the formalities", "formalities")
    page.fill("#bio-properties-panel-name", "Examine the formal requirements")
    assert save_in_studio(page, key="Control+s") == "Saved — no problems"
    screenshot(page, "studio__bpmn-editor")

    page.goto("/studio")
    page.locator("section[aria-label=trademark] a", has_text="common/time_limits.dmn").first.click()
    page.wait_for_selector('#studio-editor[data-state="ready"]')
    cell = page.locator('td[data-element-id="time_limits_rule3_out1"]')  # the trademark opposition period
    assert cell.inner_text().strip() == '"P3M"'
    cell.click()
    page.keyboard.press("Control+a")
    page.keyboard.type('"P2M"')
    page.wait_for_selector('#studio-editor[data-dirty="true"]')
    assert save_in_studio(page) == "Saved — no problems"
    screenshot(page, "studio__dmn-editor")

    page.goto("/studio")
    drafts = page.locator("section[aria-label=Drafts]")
    expect(drafts).to_contain_text("trademark/trademark.bpmn")
    expect(drafts).to_contain_text("common/time_limits.dmn")
    page.click("button:has-text('Deploy the drafts')")
    # The time limits are common to every right, so every process that reads them gets a version.
    expect(page.locator(".flash.success")).to_contain_text("Deployed design version 2, patent version 2, trademark version 2.")
    screenshot(page, "studio__library")

    after = trademark_in_opposition(office.ipflow)
    trademark_in_opposition(office.ipflow, before)  # reaches the period after the deployment, on version 1
    assert [show_instance(office.ipflow, i, with_history=False).version for i in (before.instance_id, after.instance_id)] == [
        1,
        2,
    ]
    with office.ipflow.db.reading() as session:
        names = dict(
            session.execute(select(HumanTask.instance_id, HumanTask.name).where(HumanTask.element_id == "formalities")).all()
        )
    assert names == {before.instance_id: "Examine the formalities", after.instance_id: "Examine the formal requirements"}
    periods = [months_between(o.deadline("opposition").event_date, o.deadline("opposition").due_date) for o in (before, after)]
    assert periods == [3, 2]  # from publication; version 1's three months, version 2's two
    assert browser_errors == []


def months_between(start, end) -> int:
    """Calendar months from `start` to `end`."""
    return (end.year - start.year) * 12 + end.month - start.month


def test_a_broken_condition_is_listed_and_clicking_it_selects_its_flow(office, page, browser_errors):
    sign_in(page, "analyst")
    page.goto("/studio/edit/trademark/trademark.bpmn")
    page.wait_for_selector('#studio-editor[data-state="ready"]')
    select_shape(page, "Examine absolute grounds", "examination")  # any edit makes the file a draft
    page.fill("#bio-properties-panel-name", "Examine absolute grounds!")
    assert save_in_studio(page) == "Saved — no problems"
    with office.ipflow.db.reading() as session:
        draft = session.get(LibraryDraft, "trademark/trademark.bpmn")
        broken = draft.content.replace(
            ">decision == 'accept'</bpmn:conditionExpression>", ">decision == </bpmn:conditionExpression>", 1
        )
    problems = save_file(office.ipflow, "trademark/trademark.bpmn", broken, "analyst").problems
    flow = next(p.element_id for p in problems)
    page.reload()
    page.wait_for_selector('#studio-editor[data-state="ready"]')
    link = page.locator("#studio-problems button.studio-problem-link").first
    link.click()
    page.wait_for_selector(f'.djs-element.selected[data-element-id="{flow}"]', state="attached")  # a flow is a thin line
    screenshot(page, "studio__problem-selected")
    assert browser_errors == []
