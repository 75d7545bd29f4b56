"""The studio against the real server: an analyst opens the trademark diagram from the library,
renames a task in the properties panel, saves (no problems), deploys; a case filed before stays on
version 1, one filed after runs version 2. A broken condition's problem selects its element."""

from __future__ import annotations

import pytest

from browser_support import save_in_studio, screenshot, select_shape, sign_in
from engine.db.models import LibraryDraft
from engine.services.instances import show_instance
from engine.services.workspace import save_file
from scenario_support import trademark_filing

pytestmark = pytest.mark.browser


def test_an_analyst_edits_saves_and_deploys_and_only_new_cases_take_the_new_version(office, page, browser_errors):
    from playwright.sync_api import expect

    before = office.file("trademark", trademark_filing()).instance_id
    sign_in(page, "analyst")
    page.goto("/studio")
    page.click("a:has-text('edit trademark/trademark.bpmn')")
    page.wait_for_selector('#studio-editor[data-state="ready"]')

    select_shape(page, "Examine the formalities", "formalities")
    page.fill("#bio-properties-panel-name", "Examine the formal requirements")
    assert save_in_studio(page, key="Control+s") == "Saved — no problems"
    screenshot(page, "studio__bpmn-editor")

    page.goto("/studio")
    expect(page.locator("section[aria-label=Drafts]")).to_contain_text("trademark/trademark.bpmn")
    page.click("button:has-text('Deploy the drafts')")
    expect(page.locator(".flash.success")).to_contain_text("Deployed trademark version 2")
    screenshot(page, "studio__library")

    after = office.file("trademark", trademark_filing()).instance_id
    assert [show_instance(office.ipflow, i, with_history=False).version for i in (before, after)] == [1, 2]
    assert browser_errors == []


def test_a_broken_condition_is_listed_and_clicking_it_selects_its_flow(office, page, browser_errors):
    sign_in(page, "analyst")
    page.goto("/studio/edit/trademark/trademark.bpmn")
    page.wait_for_selector('#studio-editor[data-state="ready"]')
    select_shape(page, "Examine absolute grounds", "examination")  # any edit makes the file a draft
    page.fill("#bio-properties-panel-name", "Examine absolute grounds!")
    assert save_in_studio(page) == "Saved — no problems"
    with office.ipflow.db.reading() as session:
        draft = session.get(LibraryDraft, "trademark/trademark.bpmn")
        broken = draft.content.replace(">decision == 'accept'</bpmn:conditionExpression>", ">decision == </bpmn:conditionExpression>", 1)
    problems = save_file(office.ipflow, "trademark/trademark.bpmn", broken, "analyst").problems
    flow = next(p.element_id for p in problems)
    page.reload()
    page.wait_for_selector('#studio-editor[data-state="ready"]')
    link = page.locator("#studio-problems button.studio-problem-link").first
    link.click()
    page.wait_for_selector(f'.djs-element.selected[data-element-id="{flow}"]', state="attached")  # a flow is a thin line
    screenshot(page, "studio__problem-selected")
    assert browser_errors == []
