"""The case diagram in a real browser: bpmn-js draws the process, marks the steps done and the step
waiting now, runs under the page's CSP, and says in words when it cannot show the diagram.

The pages under test come from a blueprint registered on this test's app only (the route walk in
test_routes__authorization.py must not see it); they use the same macros the case page uses."""

from __future__ import annotations

import re

import pytest
from flask import Blueprint, jsonify, render_template_string

from browser_support import screenshot, sign_in
from engine.errors import NotFound
from ipflow_testing import REPO
from webui.security import STAFF, roles_required

pytestmark = pytest.mark.browser

TRADEMARK_XML = (REPO / "bpmn" / "trademark" / "trademark.bpmn").read_text(encoding="utf-8")
COMPLETED = ["filed", "number", "look_up_limits", "filing_fees", "receipt", "collect_filing_fee", "filing_fee_paid_gw"]
READY = '.case-diagram[data-diagram-ready="true"]'
FAILED = ".case-diagram[data-diagram-error]"

PAGE = """{% extends "base.html" %}
{% from "cases/_diagram_assets.html" import diagram_head, diagram %}
{% block title %}Diagram under test{% endblock %}
{% block head %}{{ diagram_head() }}{% endblock %}
{% block content %}<h1>Diagram under test</h1>{{ diagram(url_for('diagram_test.data', kind=kind)) }}{% endblock %}
"""
INLINE_SCRIPT_PAGE = """{% extends "base.html" %}
{% block content %}<p>An inline script the CSP must refuse.</p><script>document.title = "ran";</script>{% endblock %}
"""


def diagram_test_blueprint() -> Blueprint:
    bp = Blueprint("diagram_test", __name__, url_prefix="/diagram-test")

    @bp.get("/<kind>")
    @roles_required(*STAFF)
    def show(kind: str):
        return render_template_string(PAGE, kind=kind)

    @bp.get("/<kind>.json")
    @roles_required(*STAFF)
    def data(kind: str):
        if kind == "trademark":
            # An id the diagram lacks must be skipped, not break the marking of the others.
            return jsonify(
                xml=TRADEMARK_XML, process_id="trademark", completed=[*COMPLETED, "not_in_this_diagram"], current=["check"]
            )
        if kind == "broken":
            return jsonify(xml="<definitions>not BPMN", process_id="trademark", completed=[], current=[])
        raise NotFound(f"no case diagram called {kind!r}")

    @bp.get("/inline-script")
    @roles_required(*STAFF)
    def inline_script():
        return render_template_string(INLINE_SCRIPT_PAGE)

    return bp


@pytest.fixture
def app(app):
    app.register_blueprint(diagram_test_blueprint())
    return app


def classes(page, selector: str) -> set[str]:
    return set((page.get_attribute(selector, "class") or "").split())


def test_the_diagram_marks_the_steps_done_and_the_step_waiting_now(page, browser_errors):
    sign_in(page, "clerk")
    page.goto("/diagram-test/trademark")
    page.wait_for_selector(READY)

    assert "ipflow-current" in classes(page, '[data-element-id="check"]')
    assert "ipflow-completed" in classes(page, '[data-element-id="filed"]')
    assert "ipflow-completed" in classes(page, '[data-element-id="filing_fee_paid_gw"]')
    assert not {"ipflow-current", "ipflow-completed"} & classes(page, '[data-element-id="examination"]')
    diagram = page.locator(".case-diagram")
    assert diagram.get_attribute("data-current") == "check"
    assert diagram.get_attribute("data-completed").split() == COMPLETED  # the unknown id was skipped
    # Our stylesheet beats bpmn-js's inline colours: the waiting step is drawn blue and thick.
    outline = page.locator('[data-element-id="check"] .djs-visual > :first-child')
    assert outline.evaluate("node => getComputedStyle(node).stroke") == "rgb(31, 111, 178)"
    assert outline.evaluate("node => getComputedStyle(node).strokeWidth") == "3px"
    assert page.locator('[data-element-id="trademark_participant"]').count() == 1  # the whole file is drawn
    assert browser_errors == []  # no script error, no CSP refusal, no missing file
    assert screenshot(page, "diagram-viewer__trademark").stat().st_size > 10_000


def test_the_harness_sees_a_csp_refusal(page, browser_errors):
    # The empty-errors assertions above mean something only if a refusal would be caught.
    sign_in(page, "clerk")
    page.goto("/diagram-test/inline-script")
    page.wait_for_load_state("load")
    assert page.title() != "ran"
    assert any("Content Security Policy" in error for error in browser_errors), browser_errors


def test_a_diagram_the_server_does_not_have_is_explained_in_words(page, browser_errors):
    sign_in(page, "clerk")
    page.goto("/diagram-test/missing")
    page.wait_for_selector(FAILED)

    message = page.locator(".case-diagram [role=alert]")
    assert (
        message.inner_text()
        == "The process diagram could not be shown: the server answered 404 (no case diagram called 'missing')."
    )
    assert page.locator(".case-diagram").get_attribute("data-diagram-ready") is None
    assert [error for error in browser_errors if "404" not in error] == []  # only the failed fetch itself
    screenshot(page, "diagram-viewer__missing-json")


def test_a_file_that_is_not_bpmn_is_explained_in_words(page, browser_errors):
    sign_in(page, "clerk")
    page.goto("/diagram-test/broken")
    page.wait_for_selector(FAILED)

    text = page.locator(".case-diagram [role=alert]").inner_text()
    assert text.startswith("The process diagram could not be shown: the BPMN file could not be read (")
    assert browser_errors == []


def test_without_the_bundle_the_box_says_the_viewer_is_missing(page, browser_errors):
    # As if `make assets` never ran: the script 404s, and the placeholder (revealed by CSS alone
    # after a moment, so a normal load never flashes it) tells what is wrong.
    page.route(re.compile(r".*/static/build/case-diagram\.js$"), lambda route: route.fulfill(status=404, body="missing"))
    sign_in(page, "clerk")
    page.goto("/diagram-test/trademark")

    pending = page.locator(".case-diagram .case-diagram-pending")
    pending.wait_for(state="visible", timeout=10_000)
    assert "the diagram viewer is not installed" in pending.inner_text()
    assert page.locator(READY).count() == 0
    assert any("404" in error for error in browser_errors)
