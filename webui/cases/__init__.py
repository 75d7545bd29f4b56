"""The case file (data, documents, comments, history, diagram) and case search."""

from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/cases")

from webui.cases import search_views, views  # noqa: E402,F401
