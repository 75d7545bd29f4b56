"""Every API route refuses callers without a valid token of an allowed role. The walk takes each
rule under /api/v1 from the app's URL map (so a route added tomorrow is walked too, or fails here
until its path parameters can be filled), fills its path with the ids of a real filed case, and
sends: no token, a malformed, an unknown, a revoked and an expired token (401, problem JSON, a
WWW-Authenticate challenge), then a token of every role the view's `required_roles` leaves out
(403). A signed-in person's session cookie is no API credential. Only the spec and its docs page
are public."""

from __future__ import annotations

import pytest

from engine.services.api_tokens import issue_token, revoke_token

PUBLIC = {"api-docs.openapi_json": "/api/v1/openapi.json", "api_docs.page": "/api/v1/docs"}
PROBLEM = "application/problem+json"
MALFORMED = "Bearer not-a-token"
UNKNOWN = "Bearer ipf_0123456789ab_" + "A" * 43
ROLE_REFUSAL = "this needs one of"


@pytest.fixture
def roles(ipflow) -> list[str]:
    return sorted(ipflow.settings.roles)


def api_routes(app) -> list[tuple[str, str, object]]:
    """(endpoint, method, rule) of every guarded API route."""
    return [
        (rule.endpoint, method, rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1") and rule.endpoint not in PUBLIC
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def fill(rule, values: dict[str, object]) -> str:
    """The rule's path with each <converter:name> replaced by a real id."""
    path, segments = [], rule.rule.strip("/").split("/")
    for index, segment in enumerate(segments):
        if segment.startswith("<"):
            before = segments[index - 1]
            assert before in values, (
                f"{rule.endpoint} ({rule.rule}): the walk cannot fill {segment}; add a real value for "
                f"parameters after '/{before}/' to api_path_values in {__name__}"
            )
            segment = str(values[before])
        path.append(segment)
    return "/" + "/".join(path)


@pytest.fixture
def walk(app, api_path_values) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(endpoint, method, path, required roles) of every guarded API route, each path routing back to its rule."""
    adapter = app.url_map.bind("localhost")
    walked = []
    for endpoint, method, rule in api_routes(app):
        view = app.view_functions[endpoint]
        assert hasattr(view, "required_roles"), f"{endpoint} is not guarded: put @bp.roles(...) right under @bp.route"
        path = fill(rule, api_path_values)
        assert adapter.match(path, method=method)[0] == endpoint, f"{path} does not route to {endpoint}"
        walked.append((endpoint, method, path, tuple(view.required_roles)))
    return walked


def refused(client, method: str, path: str, authorization: str | None):
    headers = {"Authorization": authorization} if authorization is not None else {}
    return client.open(path, method=method, headers=headers)


def assert_unauthenticated(response, where: str) -> None:
    assert response.status_code == 401, f"{where}: {response.status_code} {response.get_data(as_text=True)[:300]}"
    assert response.mimetype == PROBLEM, where
    assert response.headers["WWW-Authenticate"].startswith("Bearer"), where
    body = response.get_json(force=True)
    assert body["status"] == 401 and body["title"] == "Not authenticated" and body["detail"], where


def test_the_walk_covers_every_api_route_and_only_the_spec_and_docs_are_public(app, walk):
    rules = {
        (r.endpoint, m) for r in app.url_map.iter_rules() if r.rule.startswith("/api/") for m in r.methods - {"HEAD", "OPTIONS"}
    }
    assert {(e, m) for e, m, _, _ in walk} | {(e, "GET") for e in PUBLIC} == rules
    assert len(walk) >= 1
    client = app.test_client()
    for endpoint, path in PUBLIC.items():
        assert getattr(app.view_functions[endpoint], "public", False), f"{endpoint} should be marked @public"
        assert client.get(path).status_code == 200, path


def test_no_malformed_unknown_revoked_or_expired_token_gets_in(ipflow, clock, app, walk):
    revoked = issue_token(ipflow, "walk-revoked", "manager", 30, "admin")
    revoke_token(ipflow, revoked.token.id, "admin")
    expiring = issue_token(ipflow, "walk-expiring", "manager", 1, "admin")
    client = app.test_client()
    for _, method, path, _ in walk:
        for label, authorization in [("no token", None), ("no bearer", "Basic YWRtaW46YWRtaW4="), ("malformed", MALFORMED),
                                     ("unknown", UNKNOWN), ("revoked", f"Bearer {revoked.secret}")]:  # fmt: skip
            assert_unauthenticated(refused(client, method, path, authorization), f"{method} {path} with {label}")
    clock.advance(days=1)
    for _, method, path, _ in walk:
        response = refused(client, method, path, f"Bearer {expiring.secret}")
        assert_unauthenticated(response, f"{method} {path} with an expired token")
        assert "expired on" in response.get_json(force=True)["detail"]


def test_every_role_the_route_leaves_out_is_forbidden(ipflow, app, walk, roles):
    secrets = {role: issue_token(ipflow, f"walk-{role}", role, 30, "admin").secret for role in roles}
    client = app.test_client()
    forbidden = 0
    for endpoint, method, path, required in walk:
        assert set(required) <= set(roles), f"{endpoint} names roles that do not exist: {set(required) - set(roles)}"
        for role in sorted(set(roles) - set(required)) if required else []:
            response = refused(client, method, path, f"Bearer {secrets[role]}")
            where = f"{method} {path} as {role} (allowed: {', '.join(required)})"
            assert response.status_code == 403, f"{where}: {response.status_code} {response.get_data(as_text=True)[:300]}"
            assert response.mimetype == PROBLEM, where
            assert ROLE_REFUSAL in response.get_json(force=True)["detail"], where
            forbidden += 1
    assert forbidden > 0
    for _, method, path, required in walk:  # and an allowed role is let past the role check
        for role in required or roles:
            response = refused(client, method, path, f"Bearer {secrets[role]}")
            detail = response.get_json(force=True).get("detail", "") if response.mimetype == PROBLEM else ""
            assert response.status_code != 401 and ROLE_REFUSAL not in detail, f"{method} {path} as {role}: {detail}"


@pytest.mark.parametrize("person", ["admin", "manager"])
def test_a_signed_in_persons_session_cookie_is_no_api_credential(browser, client, walk, person):
    assert browser.login(person).status_code == 302
    for _, method, path, _ in walk:
        assert_unauthenticated(client.open(path, method=method), f"{method} {path} with {person}'s session")
