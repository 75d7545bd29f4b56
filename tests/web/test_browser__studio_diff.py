"""The studio's version diff in a real browser: both versions' diagrams drawn by bpmn-js under the
page's CSP, the relabelled examination marked changed on both, the new script task marked added on
version 2's, the legends counting them, and a row of the lists selecting its element."""

from __future__ import annotations

import pytest

from browser_support import screenshot, sign_in
from studio_versions import ADDED, deploy_trademark_version_2

pytestmark = pytest.mark.browser

OLD = '.studio-diff-diagram[data-side="old"]'
NEW = '.studio-diff-diagram[data-side="new"]'


def classes(page, selector: str) -> set[str]:
    return set((page.get_attribute(selector, "class") or "").split())


def test_the_diff_colours_both_diagrams_and_a_row_selects_its_element(office, tmp_path, page, browser_errors):
    deploy_trademark_version_2(office.ipflow, tmp_path / "library")
    sign_in(page, "analyst")
    page.goto("/studio/processes/trademark/diff?from=1&to=2")
    page.wait_for_selector(f'{OLD}[data-diagram-ready="true"]')
    page.wait_for_selector(f'{NEW}[data-diagram-ready="true"]')

    assert "ipflow-diff-changed" in classes(page, f'{OLD} .djs-element[data-element-id="examination"]')
    assert "ipflow-diff-changed" in classes(page, f'{NEW} .djs-element[data-element-id="examination"]')
    assert "ipflow-diff-added" in classes(page, f'{NEW} .djs-element[data-element-id="{ADDED}"]')
    assert page.locator(f'{OLD} .djs-element[data-element-id="{ADDED}"]').count() == 0
    assert "ipflow-diff-changed" not in classes(page, f'{NEW} .djs-element[data-element-id="formalities"]')
    assert page.get_attribute(NEW, "data-marked-added") == ADDED
    changed_on_new = page.get_attribute(NEW, "data-marked-changed").split()
    assert "examination" in changed_on_new
    assert page.inner_text('.studio-diff-legend[data-side="new"] [data-count="changed"]') == str(len(changed_on_new))
    assert page.inner_text('.studio-diff-legend[data-side="new"] [data-count="added"]') == "1"

    page.click('.studio-diff-row[data-element-id="examination"]')
    page.wait_for_selector(f'{OLD} .djs-element.selected[data-element-id="examination"]')
    page.wait_for_selector(f'{NEW} .djs-element.selected[data-element-id="examination"]')
    assert page.get_attribute('.studio-diff-row[data-element-id="examination"]', "aria-current") == "true"
    page.click(f'.studio-diff-row[data-element-id="{ADDED}"] button')  # the name is a button for the keyboard
    page.wait_for_selector(f'{NEW} .djs-element.selected[data-element-id="{ADDED}"]')
    assert page.locator(f'{NEW} .djs-element.selected[data-element-id="examination"]').count() == 0
    assert page.get_attribute('.studio-diff-row[data-element-id="examination"]', "aria-current") is None

    screenshot(page, "studio__diff")
    assert browser_errors == []
