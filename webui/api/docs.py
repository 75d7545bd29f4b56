"""GET /api/v1/docs: the API's interactive documentation (Swagger UI, served by us from npm's
swagger-ui-dist) over the spec at /api/v1/openapi.json. Both are public: they hold no data and no
secret; "Authorize" lets a person paste a token to try the endpoints.

Swagger UI's stylesheet draws its icons as data: SVG images, so this one page also allows data:
images; scripts stay 'self' only, as everywhere."""

from __future__ import annotations

from flask import Blueprint, render_template

from webui.security import public

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1")

CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"


@bp.get("/docs")
@public
def page():
    return render_template("api/docs.html"), 200, {"Content-Security-Policy": CSP}
