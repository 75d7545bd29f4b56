"""The API answers as its spec says, for generated input: schemathesis reads the spec the app
serves (so every endpoint added later is tested without touching this file) and, for each
operation, sends a bounded, repeatable set of generated requests with a token whose role the
operation names in `x-required-roles`. Every request is also sent a second time with the path's
ids replaced by those of a real filed case, so reads meet data and not only 404s.

Checks: no 5xx for any input; the status code, content type and body of each answer are the ones
documented for it. Runs on both databases (about 35 s each): PostgreSQL refuses what SQLite lets
through (ids beyond 32 bits, strings longer than their column), and those must come back as 404
or 422, never as a 500."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from engine.services.api_tokens import issue_token

EXAMPLES = 15  # per operation; derandomized, so every run sends the same requests
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def tokens(ipflow) -> dict[str, str]:
    """A valid bearer value for every role."""
    return {role: issue_token(ipflow, f"fuzz-{role}", role, 30, "admin").secret for role in sorted(ipflow.settings.roles)}


def real_path(case, ids: dict[str, object]) -> dict[str, object] | None:
    """The case's path parameters with each replaced by the real id it names, or None when it has none."""
    segments, values = case.operation.path.strip("/").split("/"), {}
    for before, segment in zip(segments, segments[1:], strict=False):
        if segment.startswith("{") and before in ids:
            values[segment.strip("{}")] = ids[before]
    return {**case.path_parameters, **values} if values else None


def exercise(operation, tokens: dict[str, str], ids: dict[str, object]) -> None:
    """Generated requests (valid and invalid input) to one operation, each answer checked."""
    allowed = operation.definition.raw.get("x-required-roles") or sorted(tokens)
    headers = {"Authorization": f"Bearer {tokens[allowed[0]]}"}
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def answers_as_documented(case):
        # a generated Authorization header would only meet the 401 that the token walk tests
        case.headers = {**(case.headers or {}), **headers}
        case.validate_response(case.call(headers=headers), checks=CHECKS, headers=headers)
        real = real_path(case, ids)
        if real is not None:
            case.path_parameters = real
            case.validate_response(case.call(headers=headers), checks=CHECKS, headers=headers)

    answers_as_documented()


def test_every_operation_answers_as_its_spec_says(app, api_path_values, tokens):
    # schemathesis' own pytest integration (schema.parametrize over a fixture) needs pytest's
    # Function._nodeid, which pytest 9 no longer has; so the operations are walked here, each its
    # own Hypothesis run, and every operation's failure is reported, not only the first.
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures, tested = {}, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        tested += 1
        try:
            exercise(operation, tokens, api_path_values)
        except Exception as exc:  # noqa: BLE001 - collected and reported below, with the failing example
            failures[operation.label] = f"{type(exc).__name__}: {exc}"
    assert tested >= 1
    assert failures == {}, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
