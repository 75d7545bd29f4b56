"""Every route, for every role and for nobody signed in: the expected answer. A new route that is
neither public nor guarded, or missing here, fails. POSTs carry a valid CSRF token (so the answer
shows the authorization check, not the token check); a separate test sends them without one."""

from __future__ import annotations

import pytest

from engine.db.models import Document
from scenario_support import trademark_filing

ROLES = ["clerk", "examiner", "registrar", "manager", "analyst", "admin"]
STAFF = {"clerk", "examiner", "registrar", "manager"}
STUDIO = {"analyst", "admin"}
MONITOR = {"manager", "admin"}


def staff(status: int, others: int = 403) -> dict[str, int]:
    return {r: status if r in STAFF else others for r in ROLES}


def only(status: int, allowed: set[str], others: int = 403) -> dict[str, int]:
    return {r: status if r in allowed else others for r in ROLES}


# endpoint -> (method, path, status for nobody, status for each signed-in role). The check task of
# the case is offered to clerks; managers see every task. Order matters: sign-out comes last.
EXPECTED = {
    "auth.login": ("GET", "/login", 200, {r: 200 for r in ROLES}),
    "auth.login_submit": ("POST", "/login", 401, {r: 401 for r in ROLES}),  # no user name given
    "home.index": ("GET", "/", 302, {r: 302 if r in STAFF else 200 for r in ROLES}),  # staff go to their inbox
    "home.health": ("GET", "/healthz", 200, {r: 200 for r in ROLES}),
    "inbox.index": ("GET", "/inbox", 302, staff(200)),
    "inbox.claim": ("POST", "/inbox/claim", 302, staff(302)),  # no task chosen: back with a message
    "inbox.unclaim": ("POST", "/inbox/unclaim", 302, staff(302)),
    "inbox.reassign": ("POST", "/inbox/reassign", 302, only(302, {"manager"})),
    "inbox.save_filter": ("POST", "/inbox/filters", 302, staff(302)),
    "inbox.delete_filter": ("POST", "/inbox/filters/999/delete", 302, staff(404)),
    "tasks.task_page": ("GET", "/tasks/{task}", 302, only(200, {"clerk", "manager"})),
    "tasks.save_draft": ("POST", "/tasks/{task}/draft", 302, only(302, {"clerk", "manager"})),
    "tasks.complete": ("POST", "/tasks/{task}/complete", 302, only(422, {"clerk", "manager"})),  # the decision is missing
    "cases.search": ("GET", "/cases/search", 302, staff(200)),
    "cases.case_file": ("GET", "/cases/{case}", 302, staff(200)),
    "cases.diagram": ("GET", "/cases/{case}/diagram.json", 302, staff(200)),
    "cases.document": ("GET", "/cases/{case}/documents/{document}", 302, staff(200)),
    "cases.upload": ("POST", "/cases/{case}/documents", 302, staff(302)),  # no file: back with a message
    "cases.comment": ("POST", "/cases/{case}/comments", 302, staff(302)),  # empty: back with a message
    "designer.index": ("GET", "/studio", 302, only(200, STUDIO)),
    "designer.edit": ("GET", "/studio/edit/trademark/trademark.bpmn", 302, only(200, STUDIO)),
    "designer.file": ("GET", "/studio/files/trademark/trademark.bpmn", 302, only(200, STUDIO)),
    "designer.save": ("POST", "/studio/files/trademark/trademark.bpmn", 302, only(400, STUDIO)),  # not JSON
    "designer.discard": ("POST", "/studio/files/trademark/trademark.bpmn/discard", 302, only(404, STUDIO)),  # no draft
    "designer.catalog": ("GET", "/studio/catalog.json", 302, only(200, STUDIO)),
    "designer.deploy": ("POST", "/studio/deploy", 302, only(302, STUDIO)),  # nothing to deploy: back with a message
    "designer.diff": ("GET", "/studio/processes/trademark/diff?from=1&to=1", 302, only(200, STUDIO)),
    "designer.plan": ("GET", "/studio/processes/trademark/migrate?from=1&to=1", 302, only(400, STUDIO)),  # same version
    "designer.migrate": ("POST", "/studio/processes/trademark/migrate?from=1&to=1", 302, only(302, STUDIO)),  # none ticked
    "designer.reverse": ("POST", "/studio/migrations/999/reverse", 302, only(404, STUDIO)),
    "designer.new_letter": ("POST", "/studio/letters/new", 302, only(302, STUDIO)),  # no name: back with a message
    "designer.letter_preview": ("POST", "/studio/letters/preview", 302, only(400, STUDIO)),  # not JSON
    "designer.letter_preview_pdf": ("POST", "/studio/letters/preview.pdf", 302, only(400, STUDIO)),  # no letter given
    "designer.version_file": ("GET", "/studio/processes/trademark/versions/1.bpmn", 302, only(200, STUDIO)),
    "designer.migrate_batch": ("POST", "/studio/processes/trademark/migrate.json", 302, only(400, STUDIO)),  # not JSON
    "admin.tokens": ("GET", "/admin/tokens", 302, only(200, {"admin"})),
    "admin.create_token": ("POST", "/admin/tokens", 302, only(422, {"admin"})),  # no name, role or days
    "admin.confirm_revoke": ("GET", "/admin/tokens/999/revoke", 302, only(404, {"admin"})),
    "admin.revoke": ("POST", "/admin/tokens/999/revoke", 302, only(404, {"admin"})),
    "audit.log": ("GET", "/audit?case=TM", 302, only(200, {"manager", "admin"})),
    "audit.export": ("GET", "/audit/export.csv", 302, only(200, {"manager", "admin"})),
    "manager.dashboard": ("GET", "/manager/dashboard", 302, only(200, {"manager"})),
    "manager.dashboard_csv": ("GET", "/manager/dashboard/backlog.csv?right_type=trademark", 302, only(200, {"manager"})),
    "monitor.index": ("GET", "/monitor?process=trademark", 302, only(200, MONITOR)),
    "monitor.heatmap_page": ("GET", "/monitor/heatmap?process=trademark", 302, only(200, MONITOR)),
    "monitor.heatmap_data": ("GET", "/monitor/heatmap.json?process=trademark", 302, only(200, MONITOR)),
    "monitor.instance": ("GET", "/monitor/instances/{instance}", 302, only(200, MONITOR)),
    "monitor.instance_path": ("GET", "/monitor/instances/{instance}/diagram.json", 302, only(200, MONITOR)),
    "monitor.move_plan": ("GET", "/monitor/instances/{instance}/move?to=examination", 302, only(200, MONITOR)),
    # no reason given: back to the instance with a message
    "monitor.operate": ("POST", "/monitor/instances/{instance}/suspend", 302, only(302, {"manager"})),
    "monitor.retry": ("POST", "/monitor/instances/{instance}/retry", 302, only(302, {"manager"})),
    "monitor.move": ("POST", "/monitor/instances/{instance}/move", 302, only(302, {"manager"})),
    "monitor.edit_data": ("POST", "/monitor/instances/{instance}/data", 302, only(400, {"manager"})),  # no data, no reason
    "monitor.reassign_task": ("POST", "/monitor/instances/{instance}/reassign", 302, only(302, {"manager"})),
    "monitor.bulk": ("POST", "/monitor/bulk.json", 302, only(400, {"manager"})),  # not JSON
    "auth.logout": ("POST", "/logout", 302, {r: 302 for r in ROLES}),
}


@pytest.fixture
def ids(office) -> dict[str, object]:
    office.file("trademark", trademark_filing())
    office.pay()
    with office.ipflow.db.reading() as session:
        document = session.query(Document).filter_by(case_id=office.case_id).first()
    return {"task": office.tasks()[0].id, "case": office.case_id, "document": document.id, "instance": office.instance_id}


def test_every_route_is_in_the_matrix_and_marked_public_or_guarded(app):
    # The API's routes (bearer tokens, not sessions) are walked by tests/web/test_api__tokens_required.py.
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static" and not rule.rule.startswith("/api/")}
    assert endpoints == set(EXPECTED), f"add new routes to EXPECTED: {sorted(endpoints ^ set(EXPECTED))}"
    for endpoint in endpoints:
        view = app.view_functions[endpoint]
        marked = getattr(view, "public", False) or hasattr(view, "required_roles") or "logout" in endpoint
        assert marked, f"{endpoint} is neither @public nor @roles_required"


@pytest.mark.parametrize("role", [None, *ROLES])
def test_each_role_gets_the_expected_answer_from_every_route(ids, browser, client, role):
    if role is not None:
        assert browser.login(role).status_code == 302
    token = browser.token()
    answers = {}
    for endpoint, (method, path, anonymous, by_role) in EXPECTED.items():
        data = {"csrf_token": token} if method == "POST" else None
        response = client.open(path.format(**ids), method=method, data=data)
        answers[endpoint] = (response.status_code, anonymous if role is None else by_role[role])
    wrong = {e: f"got {got}, expected {want}" for e, (got, want) in answers.items() if got != want}
    assert wrong == {}, f"{role or 'nobody'}: {wrong}"


def test_every_post_without_its_csrf_token_is_refused(ids, browser, client):
    browser.login("manager")
    for endpoint, (method, path, _, _) in EXPECTED.items():
        if method == "POST":
            response = client.open(path.format(**ids), method=method, data={})
            assert response.status_code == 400, f"{endpoint} accepted a POST without a CSRF token"
            assert "security token" in response.get_data(as_text=True)
