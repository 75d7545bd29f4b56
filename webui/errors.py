"""ipflow's error tree mapped to HTTP once: HTML for people, JSON for clients that ask for it."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.errors import Conflict, InvalidInput, IpflowError, NotFound, PermissionDenied

STATUS = ((PermissionDenied, 403), (NotFound, 404), (InvalidInput, 400), (Conflict, 409))


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def respond(status: int, title: str, detail: str, fields: dict | None = None):
    if wants_json():
        body = {"status": status, "title": title, "detail": detail}
        if fields:
            body["errors"] = fields
        return jsonify(body), status
    return render_template("error.html", status=status, title=title, detail=detail, fields=fields or {}), status


def init_errors(app: Flask) -> None:
    @app.errorhandler(IpflowError)
    def ipflow_error(exc: IpflowError):
        status = next((code for kind, code in STATUS if isinstance(exc, kind)), 500)
        return respond(status, type(exc).__name__, str(exc), getattr(exc, "fields", None))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return respond(400, "Form expired", "The form was sent without its security token or too late; reload the page and send it again.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return respond(exc.code or 500, exc.name, exc.description or "")

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):  # nothing half-done: services roll back their own units of work
        app.logger.exception("unhandled error")
        return respond(500, "Internal error", "Something went wrong on our side; nothing was changed. Try again or tell the administrator.")
