"""The administrator's pages: API tokens for integrations (issue one, see them all, revoke)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from webui.admin import tokens_views  # noqa: E402,F401
