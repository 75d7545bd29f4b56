"""The integration API, /api/v1: e-filing intake, payments and replies, status, work and
operations, for machines. Built with flask-smorest on the same services the web UI uses; the
OpenAPI 3 spec is served at /api/v1/openapi.json and the interactive docs at /api/v1/docs.

Every endpoint takes a bearer token (engine/services/api_tokens.py) and checks its role; session
cookies are never read here, so CSRF does not apply and the blueprints are exempt from it. Errors
are problem objects (RFC 9457) with a field -> messages map for validation failures."""

from __future__ import annotations

import http
from collections.abc import Callable
from functools import wraps

from flask import Flask
from flask_smorest import Api
from flask_smorest.utils import prepare_response

from webui.api.problems import PROBLEM_TYPE, ProblemSchema

API_PREFIX = "/api/v1"


class IpflowApi(Api):
    """flask-smorest's Api with our problem objects as the error schema. It registers no error
    handler of its own: webui/errors.py answers every error, as problem JSON under /api/."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        pass

    def _register_responses(self) -> None:
        """The error responses every operation may refer to, as problem JSON."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_TYPE if status >= 400 else self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "A problem (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)


SPEC_INFO = {
    "description": "The back office of an intellectual-property office, for machines. "
    "Send `Authorization: Bearer <token>`; an administrator issues tokens per integration."
}


def init_api(app: Flask) -> None:
    from webui.api import blueprints, docs
    from webui.security import csrf, public

    app.config.update(
        API_TITLE="ipflow API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = IpflowApi(spec_kwargs={"info": SPEC_INFO})  # one per app: its spec lists that app's routes only
    api.init_app(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "ipf_<prefix>_<secret>"}
    )
    app.view_functions["api-docs.openapi_json"] = public(_spec_view(app.view_functions["api-docs.openapi_json"]))
    app.register_blueprint(docs.bp)
    for bp in blueprints.ALL:
        csrf.exempt(bp)
        api.register_blueprint(bp)


def _spec_view(serve_spec: Callable) -> Callable:
    """flask-smorest's spec view (a bound method), as a function that can carry the @public mark:
    the spec names no data and no secret."""

    @wraps(serve_spec)
    def openapi_json():
        return serve_spec()

    return openapi_json
