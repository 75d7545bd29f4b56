"""The letter editor against the real server: an analyst opens a letter from the studio, edits its
subject, previews it for a filed case (the applicant's name shows in the sandboxed frame, markup
in it as text), saves with Ctrl+S and deploys; a mistake shows as a problem whose line is selected
when clicked, and an unknown case number is said in words."""

from __future__ import annotations

import pytest

from browser_support import save_in_studio, screenshot, sign_in
from scenario_support import trademark_filing

pytestmark = pytest.mark.browser

REFUSAL = "letters/refusal.html.j2"
APPLICANT = "Aurora <script>alert(1)</script> Ltd"


@pytest.fixture
def number(office) -> str:
    applicant = {"name": APPLICANT, "address": "3 Rila Street, Sofia", "country": "BG", "email": "ip@aurora.example"}
    return office.file("trademark", trademark_filing(applicants=[applicant])).number


def open_letter(page) -> None:
    page.goto("/studio")
    page.click(f"section[aria-label=Letters] a[href='/studio/edit/{REFUSAL}']")
    page.wait_for_selector('#studio-editor[data-state="ready"]')


def test_an_analyst_edits_previews_saves_and_deploys_a_letter(office, page, browser_errors, number):
    from playwright.sync_api import expect

    sign_in(page, "analyst")
    open_letter(page)
    source = page.locator("#letter-source")
    source.fill(source.input_value().replace("Decision refusing application No.", "Refusal of application No."))
    expect(page.locator("#studio-editor")).to_have_attribute("data-dirty", "true")

    page.fill("#letter-case-number", number)
    page.click("#letter-preview")
    page.wait_for_selector('#letter-preview-form[data-state="shown"]')
    expect(page.locator("#letter-subject")).to_have_text(f"Refusal of application No. {number}")
    letter = page.frame_locator("#letter-frame")
    expect(letter.locator(".addressee")).to_contain_text(APPLICANT)  # as text: the frame runs no script either
    expect(letter.locator("h1")).to_have_text(f"Refusal of application No. {number}")
    screenshot(page, "studio__letter-editor")

    assert save_in_studio(page, key="Control+s") == "Saved — no problems"
    expect(page.locator("#studio-editor")).to_have_attribute("data-dirty", "false")
    page.goto("/studio")
    expect(page.locator("section[aria-label=Letters] tr[data-letter=refusal]")).to_contain_text("drafted")
    page.click("button:has-text('Deploy the drafts')")
    expect(page.locator(".flash.success")).to_contain_text("Deployed letter refusal version 1")
    expect(page.locator("section[aria-label=Letters] tr[data-letter=refusal]")).to_contain_text("version 1")
    assert browser_errors == []


def test_a_mistake_is_listed_with_its_line_and_an_unknown_case_is_said(office, page, browser_errors, number):
    from playwright.sync_api import expect

    sign_in(page, "analyst")
    open_letter(page)
    source = page.locator("#letter-source")
    text = source.input_value()
    broken = text.replace("{{ m.reasons_text(reasons) }}", "{{ applicant.nme }}")
    line = 1 + broken[: broken.index("applicant.nme")].count("\n")
    source.fill(broken)

    page.fill("#letter-case-number", "40-1999-999999")
    page.click("#letter-preview")
    page.wait_for_selector('#letter-preview-form[data-state="failed"]')
    expect(page.locator("#letter-preview-status")).to_contain_text("no case has the application number '40-1999-999999'")
    page.fill("#letter-case-number", number)
    page.press("#letter-case-number", "Enter")
    expect(page.locator("#letter-preview-status")).to_contain_text(f"line {line}: ")
    expect(page.locator("#letter-preview-status")).to_contain_text("nme")

    assert save_in_studio(page).startswith("Saved — 1 problem")
    problem = page.locator("#studio-problems button.studio-problem-link")
    expect(problem).to_contain_text(f"line {line}")
    problem.click()
    selected = page.evaluate(
        "() => { const t = document.getElementById('letter-source'); return t.value.slice(t.selectionStart, t.selectionEnd); }"
    )
    assert "applicant.nme" in selected
    screenshot(page, "studio__letter-problem")
    preview_url = page.url.split("/studio/")[0] + "/studio/letters/preview"
    refused = [
        f"console: Failed to load resource: the server responded with a status of {status} [{preview_url}]"
        for status in ("404 (NOT FOUND)", "400 (BAD REQUEST)")
    ]
    assert browser_errors == refused  # only the two previews the server refused, as it should
