"""ipflow's error tree mapped to HTTP once: HTML for people, JSON for clients that ask for it."""

from __future__ import annotations

import re

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.domain.case_schemas import field_paths
from engine.errors import Conflict, InvalidInput, IpflowError, NotAuthenticated, NotFound, PermissionDenied
from webui.api import API_PREFIX
from webui.api.problems import problem_response

STATUS = ((NotAuthenticated, 401), (PermissionDenied, 403), (NotFound, 404), (InvalidInput, 400), (Conflict, 409))


def wants_json() -> bool:
    if request.path.startswith(API_PREFIX + "/") or request.path == API_PREFIX:
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def respond(status: int, title: str, detail: str, fields: dict | None = None):
    if request.path.startswith(API_PREFIX + "/"):
        return problem_response(status, title, detail, fields)
    if wants_json():
        body = {"status": status, "title": title, "detail": detail}
        if fields:
            body["errors"] = fields
        return jsonify(body), status
    return render_template("error.html", status=status, title=title, detail=detail, fields=fields or {}), status


def request_fields(messages: dict) -> dict[str, list[str]]:
    """webargs' {"json": {"applicants": {"0": {"country": [...]}}}} -> {"applicants.0.country": [...]}."""
    flat: dict[str, list[str]] = {}
    for location, found in messages.items():
        flat.update(field_paths(found, "" if location in ("json", "form", "files") else location))
    return flat


def init_errors(app: Flask) -> None:
    @app.errorhandler(IpflowError)
    def ipflow_error(exc: IpflowError):
        status = next((code for kind, code in STATUS if isinstance(exc, kind)), 500)
        if status == 400 and request.path.startswith(API_PREFIX + "/"):
            status = 422  # the API answers invalid input as flask-smorest does for its own arguments
        title = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", type(exc).__name__).capitalize()  # NotFound -> Not found
        return respond(status, title, str(exc), getattr(exc, "fields", None))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return respond(
            400, "Form expired", "The form was sent without its security token or too late; reload the page and send it again."
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        messages = (getattr(exc, "data", None) or {}).get("messages")  # webargs: {location: {field: [...]}}
        if messages:
            return respond(
                exc.code or 422, "Invalid input", "Some fields are missing or wrong; see errors.", request_fields(messages)
            )
        return respond(exc.code or 500, exc.name, exc.description or "")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # nothing half-done: services roll back their own units of work
        app.logger.exception("unhandled error")
        return respond(
            500, "Internal error", "Something went wrong on our side; nothing was changed. Try again or tell the administrator."
        )
