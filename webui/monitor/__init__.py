"""The instance monitor (managers; admins read): instances filtered by process, version, status,
current step, incident and age; a version's heatmap; one instance with its path and the
operations on it (suspend, resume, terminate, retry, move the token, edit data, reassign)."""

from flask import Blueprint

bp = Blueprint("monitor", __name__, url_prefix="/monitor")

READERS = ("manager", "admin")
OPERATORS = ("manager",)

from webui.monitor import ops_views, views  # noqa: E402,F401
