"""Problem objects (RFC 9457): the body of every error the API answers."""

from __future__ import annotations

from flask import Response, json
from marshmallow import Schema, fields

PROBLEM_TYPE = "application/problem+json"


class ProblemSchema(Schema):
    type = fields.String(metadata={"description": "Always about:blank; the status and title say what kind of problem it is."})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True, metadata={"description": "What was wrong and what to do, in words."})
    errors = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()),
        metadata={"description": "Validation failures: field path (e.g. applicants.0.country) -> messages."},
    )  # fmt: skip


def problem_response(status: int, title: str, detail: str, errors: dict | None = None) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ipflow"'
    return response
