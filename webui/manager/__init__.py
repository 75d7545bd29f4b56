"""The office manager's pages: the dashboard (backlog, pendency, time limits, workload) and its CSVs."""

from flask import Blueprint

bp = Blueprint("manager", __name__, url_prefix="/manager")

from webui.manager import dashboard_views  # noqa: E402,F401
