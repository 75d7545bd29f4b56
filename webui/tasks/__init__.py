"""One task: its instructions, its form (draft, complete) and the case summary beside it."""

from flask import Blueprint

bp = Blueprint("tasks", __name__, url_prefix="/tasks")

from webui.tasks import views  # noqa: E402,F401
