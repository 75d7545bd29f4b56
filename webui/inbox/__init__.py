"""The task inbox: tabs, filters, saved filters, claim, return and reassign."""

from flask import Blueprint

bp = Blueprint("inbox", __name__, url_prefix="/inbox")

from webui.inbox import views  # noqa: E402,F401
