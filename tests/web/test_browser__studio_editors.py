"""The studio's editors in a real browser: the BPMN modeler (our properties, bpmnlint), the DMN
editor and the form editor with its preview load a library file, save it back with the hash and the
CSRF header, list the server's problems and show the element a problem names, under the page's CSP.

The JSON endpoints here are a fake, registered on this test's app only and backed by a dict; they
answer as webui/assets/studio-page.js describes (the real blueprint, webui/designer/, keeps the same
contract). The page is the real template, studio/editor.html."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

import pytest
from flask import Blueprint, jsonify, render_template, request, url_for
from lxml import etree

from browser_support import save_in_studio as save
from browser_support import screenshot, select_shape, sign_in
from engine.errors import NotFound
from engine.runtime.parsing import SourceFile, parse_sources, read_sources
from ipflow_testing import REPO
from webui.security import roles_required

pytestmark = pytest.mark.browser

SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DMN = "https://www.omg.org/spec/DMN/20191111/MODEL/"
FILES = {
    "trademark": ("trademark/trademark.bpmn", "bpmn", REPO / "bpmn" / "trademark" / "trademark.bpmn"),
    "time_limits": ("common/time_limits.dmn", "dmn", REPO / "bpmn" / "common" / "time_limits.dmn"),
    "filing_date_check": (
        "trademark/filing_date_check.form.json",
        "form",
        REPO / "forms" / "trademark" / "filing_date_check.form.json",
    ),
}
CATALOG = {
    "operators": [
        {"name": "send_letter", "parameters": ["case_id", "template", "copy_to"]},
        {"name": "assign_application_number", "parameters": ["case_id"]},
    ],
    "roles": ["clerk", "examiner", "registrar", "manager"],
    "forms": ["trademark/filing_date_check", "trademark/formalities", "trademark/absolute_grounds"],
    "processes": ["collect_fee", "trademark"],
}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class FakeStudio:
    """What the server holds and what it was sent: the files, the answers to give, the saves seen."""

    contents: dict[str, str] = field(default_factory=dict)
    problems_on_load: dict[str, list[dict]] = field(default_factory=dict)
    problems_on_save: dict[str, list[dict]] = field(default_factory=dict)
    refusals: dict[str, dict] = field(default_factory=dict)  # name -> the 400 answer to give a save
    saves: list[dict] = field(default_factory=list)

    @classmethod
    def from_library(cls) -> FakeStudio:
        return cls(contents={name: path.read_text(encoding="utf-8") for name, (_, _, path) in FILES.items()})

    def someone_else_saves(self, name: str, content: str) -> None:
        self.contents[name] = content


def studio_test_blueprint(fake: FakeStudio) -> Blueprint:
    bp = Blueprint("studio_test", __name__, url_prefix="/studio-test")

    def known(name: str) -> tuple[str, str]:
        if name not in FILES:
            raise NotFound(f"no library file called {name!r}")
        path, kind, _ = FILES[name]
        return path, kind

    def page_for(name: str) -> tuple[str, str]:
        # "gone": a page whose file the server no longer has when the editor asks for it.
        return ("trademark/gone.bpmn", "bpmn") if name == "gone" else known(name)

    @bp.get("/edit/<name>")
    @roles_required("analyst")
    def edit(name: str):
        path, kind = page_for(name)
        return render_template(
            "studio/editor.html",
            file={"path": path, "kind": kind},
            file_url=url_for(".load", name=name),
            save_url=url_for(".save", name=name),
            catalog_url=url_for(".catalog"),
            back_url=url_for("home.index"),
        )

    @bp.get("/files/<name>")
    @roles_required("analyst")
    def load(name: str):
        path, kind = known(name)
        content = fake.contents[name]
        return jsonify(
            path=path, kind=kind, content=content, sha256=sha256(content), problems=fake.problems_on_load.get(name, [])
        )

    @bp.post("/files/<name>")
    @roles_required("analyst")
    def save(name: str):
        known(name)
        body = request.get_json()
        fake.saves.append({"name": name, "csrf": request.headers.get("X-CSRFToken"), **body})
        if body["expected_sha256"] != sha256(fake.contents[name]):
            return jsonify(title="Conflict", detail="Someone else saved this file after you opened it."), 409
        if name in fake.refusals:
            return jsonify(title="Invalid input", **fake.refusals[name]), 400
        fake.contents[name] = body["content"]
        return jsonify(sha256=sha256(body["content"]), problems=fake.problems_on_save.get(name, []))

    @bp.get("/catalog.json")
    @roles_required("analyst")
    def catalog():
        return jsonify(CATALOG)

    return bp


@pytest.fixture
def fake() -> FakeStudio:
    return FakeStudio.from_library()


@pytest.fixture
def app(app, fake):
    app.register_blueprint(studio_test_blueprint(fake))
    return app


def open_editor(page, name: str, errors: list[str]) -> None:
    sign_in(page, "analyst")
    page.goto(f"/studio-test/edit/{name}")
    page.wait_for_selector('#studio-editor[data-state="ready"], #studio-editor[data-state="failed"]')
    if page.get_attribute("#studio-editor", "data-state") != "ready":
        raise AssertionError(f"the editor did not open: {page.inner_text('#studio-status')} {errors}")


def leave_page(page) -> list[str]:
    """Go to the home page; returns the kinds of the dialogs the browser showed on the way (accepted)."""
    dialogs: list[str] = []

    def answer(dialog) -> None:
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    page.goto("/")
    page.remove_listener("dialog", answer)
    return dialogs


def page_token(page) -> str:
    return page.get_attribute("#studio-editor", "data-csrf-token")


def spiff_elements(xml: str) -> dict[str, list]:
    """Every spiffworkflow extension element, per BPMN element id, as (tag, attributes, text, children)."""

    def canon(element):
        children = tuple(canon(child) for child in element if isinstance(child.tag, str))
        # Text is kept exactly (scripts, instructions); only layout between child elements may change.
        text = (element.text or "").strip() if children else element.text or ""
        return (etree.QName(element).localname, tuple(sorted(element.attrib.items())), text, children)

    found: dict[str, list] = {}
    for extensions in etree.fromstring(xml.encode("utf-8")).iter(f"{{{BPMN}}}extensionElements"):
        owner = extensions.getparent().get("id")
        found[owner] = [
            canon(child) for child in extensions if isinstance(child.tag, str) and child.tag.startswith(f"{{{SPIFF}}}")
        ]
    return found


def engine_problems(path: str, content: str) -> list[str]:
    """What the engine's parser says of the library with `path` (under bpmn/) replaced by `content`."""
    sources = [
        SourceFile(path, content.encode("utf-8")) if source.path == path else source for source in read_sources(REPO / "bpmn")
    ]
    assert path in {source.path for source in sources}
    return [str(problem) for problem in parse_sources(sources).problems]


def bpmn_element(xml: str, element_id: str):
    return etree.fromstring(xml.encode("utf-8")).find(f".//*[@id='{element_id}']")


# --- BPMN ---


def test_the_bpmn_editor_saves_unchanged_extensions_and_the_analysts_edits(page, browser_errors, fake):
    source = fake.contents["trademark"]
    fake.problems_on_load["trademark"] = [
        {"file": "trademark/trademark.bpmn", "line": 205, "element_id": "examination", "message": "the form is missing"},
        {"file": "trademark/trademark.bpmn", "line": 6, "element_id": "msg_reply_received", "message": "no task waits for it"},
    ]
    open_editor(page, "trademark", browser_errors)

    # Problems the file already has are listed on load; one whose element is not drawn is plain text.
    assert page.inner_text("#studio-status") == "Opened — 2 problems (listed below)."
    assert page.locator("#studio-problems button.studio-problem-link").all_inner_texts() == [
        "examination: the form is missing (line 205)"
    ]
    assert page.locator("#studio-problems li.studio-problem-unlinked").all_inner_texts() == [
        "msg_reply_received: no task waits for it (line 6)"
    ]
    assert page.get_attribute("#studio-editor", "data-dirty") == "false"
    assert page.locator(".bjsl-button").count() == 1  # bpmnlint's toggle, recommended rules run

    # Saved without an edit, every spiffworkflow element comes back as it was in the file.
    assert save(page) == "Saved — no problems"
    untouched = fake.saves[-1]["content"]
    assert spiff_elements(untouched) == spiff_elements(source)
    assert len(spiff_elements(source)) > 40
    assert fake.saves[-1]["expected_sha256"] == sha256(source)
    assert fake.saves[-1]["csrf"] == page_token(page) and fake.saves[-1]["csrf"]

    # The analyst renames the filing-date check and gives it seven days.
    select_shape(page, "Check the filing-date requirements", "check")
    page.fill("#bio-properties-panel-name", "Check the filing date")
    page.fill("#bio-properties-panel-dueIn", "'P7D'")
    page.wait_for_selector('#studio-editor[data-dirty="true"]')  # the name, committed when the field was left
    assert page.inner_text("#studio-status") == "Unsaved changes."
    # Ctrl+S while still in the field saves, the value just typed included.
    assert save(page, key="Control+s") == "Saved — no problems"
    screenshot(page, "studio-editors__bpmn")

    saved = fake.saves[-1]
    assert saved["expected_sha256"] == sha256(untouched)  # the hash of the last save, not of the first load
    xml = saved["content"]
    assert bpmn_element(xml, "check").get("name") == "Check the filing date"
    before, after = spiff_elements(source), spiff_elements(xml)
    check_properties = {dict(prop[1])["name"]: dict(prop[1])["value"] for prop in after["check"][0][3]}
    assert check_properties == {"formKey": "trademark/filing_date_check", "dueIn": "'P7D'", "priority": "2"}
    assert after["check"][1:] == before["check"][1:]  # the instructions are untouched
    del before["check"], after["check"]
    assert after == before
    assert engine_problems("trademark/trademark.bpmn", xml) == []  # what the modeler wrote, the engine reads
    assert page.get_attribute("#studio-editor", "data-dirty") == "false"
    assert leave_page(page) == []  # everything is saved: leaving asks nothing
    assert browser_errors == []


def test_a_problem_in_the_save_answer_shows_its_element(page, browser_errors, fake):
    fake.problems_on_save["trademark"] = [
        {"file": "trademark/trademark.bpmn", "line": 127, "element_id": "check", "message": "dueIn 'P5' is not a duration"},
        {"file": "common/collect_fee.bpmn", "line": 3, "element_id": "collect", "message": "in another file"},
        {"file": "trademark/trademark.bpmn", "line": 1, "element_id": "", "message": "the file is not executable"},
    ]
    open_editor(page, "trademark", browser_errors)
    assert save(page) == "Saved — 3 problems (listed below)."

    links = page.locator("#studio-problems button.studio-problem-link")
    assert links.all_inner_texts() == ["check: dueIn 'P5' is not a duration (line 127)"]
    assert page.locator("#studio-problems li.studio-problem-unlinked").all_inner_texts() == [
        "collect: in another file (common/collect_fee.bpmn, line 3)",
        "the file is not executable (line 1)",
    ]
    assert page.locator('.djs-element.studio-has-problem[data-element-id="check"]').count() == 1
    assert page.locator(".djs-element.selected").count() == 0

    links.first.click()
    page.wait_for_selector('.djs-element.selected[data-element-id="check"]')
    assert page.locator(".djs-element.selected").count() == 1
    assert page.locator(".bio-properties-panel-header-label").inner_text() == "Check the filing-date requirements"
    shape = page.locator('.djs-element[data-element-id="check"] .djs-hit').bounding_box()
    canvas = page.locator(".studio-canvas").bounding_box()
    assert canvas["x"] <= shape["x"] and shape["x"] + shape["width"] <= canvas["x"] + canvas["width"]  # scrolled to
    assert canvas["y"] <= shape["y"] and shape["y"] + shape["height"] <= canvas["y"] + canvas["height"]
    screenshot(page, "studio-editors__bpmn-problem")
    assert browser_errors == []


def test_a_save_after_someone_elses_keeps_the_analysts_work(page, browser_errors, fake):
    open_editor(page, "trademark", browser_errors)
    select_shape(page, "Check the filing-date requirements", "check")
    page.fill("#bio-properties-panel-name", "Mine")
    fake.someone_else_saves("trademark", fake.contents["trademark"].replace("Examine the formalities", "Theirs"))

    status = save(page)

    assert status.startswith("Not saved: Someone else saved this file after you opened it. Your changes are still here")
    assert page.get_attribute("#studio-editor", "data-dirty") == "true"
    assert page.locator('.djs-element[data-element-id="check"] text').first.text_content() == "Mine"
    assert "Theirs" in fake.contents["trademark"]  # theirs stays saved

    # Leaving now would lose the work: the browser asks first.
    dialogs = leave_page(page)
    assert dialogs == ["beforeunload"]
    assert [error for error in browser_errors if "409" not in error] == []


def test_the_properties_offer_the_catalogs_forms_roles_operators_and_processes(page, browser_errors, fake):
    open_editor(page, "trademark", browser_errors)

    select_shape(page, "Check the filing-date requirements", "check")
    options = page.locator("#bio-properties-panel-formKey option").all_inner_texts()
    assert options == ["(no form)", *CATALOG["forms"]]
    assert page.input_value("#bio-properties-panel-formKey") == "trademark/filing_date_check"
    assert page.input_value("#bio-properties-panel-priority") == "2"
    assert "Can a filing date be accorded?" in page.input_value("#bio-properties-panel-instructionsForEndUser")
    page.check("#bio-properties-panel-candidateRole-examiner")
    page.check("#bio-properties-panel-candidateRole-clerk")

    # A service task: the operator's parameters, one field each; the ones it has keep their values.
    select_shape(page, "Send the filing receipt", "receipt")
    assert page.input_value("#bio-properties-panel-serviceOperator") == "send_letter"
    assert page.input_value("#bio-properties-panel-resultVariable") == "receipt"
    assert page.input_value("#bio-properties-panel-parameter-case_id") == "case_id"
    assert page.input_value("#bio-properties-panel-parameter-template") == "'receipt'"
    page.fill("#bio-properties-panel-parameter-copy_to", "case['applicant']['email']")
    page.select_option("#bio-properties-panel-serviceOperator", "assign_application_number")
    # The parameters the new operator does not take stay in the file and on screen.
    assert page.input_value("#bio-properties-panel-parameter-template") == "'receipt'"
    page.select_option("#bio-properties-panel-serviceOperator", "send_letter")

    select_shape(page, "Collect the filing fee", "collect_filing_fee")
    assert page.locator("#bio-properties-panel-calledElement option").all_inner_texts() == ["(no process)", *CATALOG["processes"]]
    page.select_option("#bio-properties-panel-calledElement", "trademark")
    assert "fee_deadline_kind = 'fee_payment'" in page.input_value("#bio-properties-panel-preScript")

    # Timer and message events keep the standard timer and message groups.
    select_shape(page, "Two months passed", "deficiency_expired")
    assert page.locator('[data-group-id="group-timer"]').count() == 1
    select_shape(page, "Deficiencies remedied", "remedied")
    assert page.locator('[data-group-id="group-message"]').count() == 1
    assert save(page) == "Saved — no problems"

    xml = fake.saves[-1]["content"]
    roles = bpmn_element(xml, "check").find(f".//{{{SPIFF}}}property[@name='candidateRoles']")
    assert roles.get("value") == "examiner,clerk"
    operator = bpmn_element(xml, "receipt").find(f".//{{{SPIFF}}}serviceTaskOperator")
    assert operator.get("id") == "send_letter"
    parameters = [(p.get("id"), p.get("type"), p.get("value")) for p in operator.iter(f"{{{SPIFF}}}parameter")]
    assert parameters == [
        ("case_id", "any", "case_id"),
        ("template", "any", "'receipt'"),
        ("copy_to", "any", "case['applicant']['email']"),
    ]
    assert bpmn_element(xml, "collect_filing_fee").get("calledElement") == "trademark"
    assert browser_errors == []


# --- DMN ---


def test_the_dmn_editor_opens_the_decision_table_and_saves(page, browser_errors, fake):
    fake.problems_on_save["time_limits"] = [
        {"file": "common/time_limits.dmn", "line": 30, "element_id": "time_limits_rule3", "message": "overlaps rule 2"}
    ]
    open_editor(page, "time_limits", browser_errors)

    assert page.get_attribute("#studio-editor", "data-active-view") == "time_limits"
    assert page.locator(".tjs-table tbody tr").count() == 25
    assert "Time limits (decision table)" in page.locator(".studio-dmn-tab").all_inner_texts()
    cell = page.locator('td[data-element-id="time_limits_rule0_out1"]')
    cell.click()
    page.keyboard.press("Control+a")
    page.keyboard.type('"P2M"')
    page.wait_for_selector('#studio-editor[data-dirty="true"]')
    screenshot(page, "studio-editors__dmn")
    assert save(page) == "Saved — 1 problem (listed below)."

    saved = etree.fromstring(fake.saves[-1]["content"].encode("utf-8"))
    decision = saved.find(f"{{{DMN}}}decision")
    assert decision.get("id") == "time_limits"
    assert len(decision.findall(f".//{{{DMN}}}rule")) == 25
    assert saved.find(f".//*[@id='time_limits_rule0_out1']/{{{DMN}}}text").text == '"P2M"'
    assert fake.saves[-1]["csrf"] == page_token(page)
    assert engine_problems("common/time_limits.dmn", fake.saves[-1]["content"]) == []

    # From the requirements diagram, the problem's rule takes the analyst back to its decision.
    page.get_by_role("button", name="Decision requirements").click()
    page.wait_for_selector('#studio-editor[data-active-view="time_limits_definitions"]')
    page.locator("#studio-problems button.studio-problem-link").click()
    page.wait_for_selector('#studio-editor[data-active-view="time_limits"]')
    assert page.locator('[data-row-id="time_limits_rule3"]').first.is_visible()
    assert browser_errors == []


# --- Forms ---


def test_the_form_editor_previews_the_form_and_saves_its_json(page, browser_errors, fake):
    source = json.loads(fake.contents["filing_date_check"])
    open_editor(page, "filing_date_check", browser_errors)

    preview = page.locator(".studio-form-preview-form")
    preview.get_by_text("Can the filing date be accorded?").wait_for()
    for label in (
        "Present in the application",
        "Applicant identified",
        "No: send a deficiency letter",
        "Deficiencies to remedy (for the letter)",
    ):
        assert preview.get_by_text(label, exact=True).count() == 1, label
    assert preview.locator("textarea").count() == 1 and preview.locator("input[type=radio]").count() == 2

    # Select the textarea in the editor, relabel it: the preview follows.
    page.locator('.studio-form-editor .fjs-element[data-id="deficiency_notes"]').click()
    page.locator('.studio-form-editor [data-group-id="group-general"] .bio-properties-panel-group-header:not(.open)').click()
    label = page.locator(".studio-form-editor #bio-properties-panel-label")
    label.fill("What is missing")
    label.blur()
    preview.get_by_text("What is missing", exact=True).wait_for()
    assert page.get_attribute("#studio-editor", "data-dirty") == "true"
    screenshot(page, "studio-editors__form")
    assert save(page) == "Saved — no problems"

    text = fake.saves[-1]["content"]
    assert text.endswith("}\n") and text.startswith('{\n  "')
    schema = json.loads(text)
    # Only the label changed (and the schema version form-js writes); keys keep the file's order.
    assert list(schema) == list(source)
    assert schema["schemaVersion"] >= source["schemaVersion"]
    expected = [dict(c, label="What is missing") if c["id"] == "deficiency_notes" else c for c in source["components"]]
    assert schema["components"] == expected
    assert [list(c) for c in schema["components"]] == [list(c) for c in source["components"]]
    assert fake.saves[-1]["csrf"] == page_token(page)
    assert browser_errors == []


def test_a_form_problem_selects_its_component(page, browser_errors, fake):
    fake.problems_on_load["filing_date_check"] = [
        {
            "file": "trademark/filing_date_check.form.json",
            "line": None,
            "element_id": "filing_date_met",
            "message": "needs an option",
        }
    ]
    open_editor(page, "filing_date_check", browser_errors)
    page.locator("#studio-problems button.studio-problem-link").click()
    selected = page.locator(".studio-form-editor .fjs-editor-selected")
    selected.wait_for()
    assert selected.get_attribute("data-id") == "filing_date_met"
    assert browser_errors == []


# --- The page itself ---


def test_a_save_the_server_refuses_says_why_and_keeps_the_work(page, browser_errors, fake):
    fake.refusals["filing_date_check"] = {
        "detail": "The form cannot be saved.",
        "errors": {"content": ["component ids must be unique"]},
    }
    open_editor(page, "filing_date_check", browser_errors)
    helptext = page.locator('.studio-form-editor .fjs-element[data-id="fdc_help"]')
    helptext.click()
    helptext.locator(".fjs-context-pad-item").first.click()  # the bin: remove the component
    page.wait_for_selector('#studio-editor[data-dirty="true"]')
    page.locator(".studio-form-preview-form").get_by_text("A filing date is accorded").wait_for(state="detached")

    assert save(page) == (
        "Not saved: the server answered 400: The form cannot be saved. content: component ids must be unique. "
        "Your changes are still here."
    )
    assert page.get_attribute("#studio-editor", "data-dirty") == "true"
    assert fake.contents["filing_date_check"] == FILES["filing_date_check"][2].read_text(encoding="utf-8")
    assert [error for error in browser_errors if "400" not in error] == []


def test_a_file_the_server_does_not_have_is_explained_in_words(page, browser_errors):
    sign_in(page, "analyst")
    page.goto("/studio-test/edit/gone")
    page.wait_for_selector('#studio-editor[data-state="failed"]')

    message = "The file could not be loaded: the server answered 404: no library file called 'gone'"
    assert page.inner_text("#studio-status") == message
    assert page.inner_text("#studio-editor [role=alert]") == message
    assert page.locator("#studio-editor .studio-pending").count() == 0
    assert page.is_disabled("#studio-save")
    assert [error for error in browser_errors if "404" not in error] == []


def test_without_the_bundle_the_page_says_the_editors_are_missing(page, browser_errors):
    page.route(re.compile(r".*/static/build/studio-bpmn\.js$"), lambda route: route.fulfill(status=404, body="missing"))
    sign_in(page, "analyst")
    page.goto("/studio-test/edit/trademark")

    pending = page.locator("#studio-editor .studio-pending")
    pending.wait_for(state="visible", timeout=10_000)
    assert "the studio's editors are not installed" in pending.inner_text()
    assert page.is_disabled("#studio-save")
    assert any("404" in error for error in browser_errors)
