"""The audit log: every audited event, searchable by case, person, activity and date; CSV export."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")

from webui.audit import views  # noqa: E402,F401
