"""Every route, for every role and for nobody signed in: the expected answer. A new route that
is neither public nor guarded fails here."""

from __future__ import annotations

import pytest

ROLES = ["clerk", "examiner", "registrar", "manager", "analyst", "admin"]
# endpoint -> (method, path, status for nobody, status for each signed-in role)
EXPECTED = {
    "auth.login": ("GET", "/login", 200, {r: 200 for r in ROLES}),
    "auth.login_submit": ("POST", "/login", 400, {r: 400 for r in ROLES}),  # no CSRF token here
    "auth.logout": ("POST", "/logout", 400, {r: 400 for r in ROLES}),
    "home.index": ("GET", "/", 302, {r: 200 for r in ROLES}),
    "home.health": ("GET", "/healthz", 200, {r: 200 for r in ROLES}),
}


def test_every_route_is_in_the_matrix_and_marked_public_or_guarded(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints == set(EXPECTED), f"add new routes to EXPECTED: {sorted(endpoints ^ set(EXPECTED))}"
    for endpoint in endpoints:
        view = app.view_functions[endpoint]
        marked = getattr(view, "public", False) or hasattr(view, "required_roles") or "logout" in endpoint
        assert marked, f"{endpoint} is neither @public nor @roles_required"


@pytest.mark.parametrize("role", [None, *ROLES])
def test_each_role_gets_the_expected_answer_from_every_route(app, browser, client, role):
    if role is not None:
        assert browser.login(role).status_code == 302
    for method, path, anonymous, by_role in EXPECTED.values():
        response = client.open(path, method=method)
        expected = anonymous if role is None else by_role[role]
        assert response.status_code == expected, f"{role or 'nobody'} {method} {path}: {response.status_code}"
