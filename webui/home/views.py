from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user

from engine.services.tasks import list_tasks
from webui.home import bp
from webui.security import public, roles_required


@bp.get("/")
@roles_required()
def index():
    tasks = list_tasks(current_app.extensions["ipflow"], user=current_user.username, limit=50)
    return render_template("home/index.html", tasks=tasks)


@bp.get("/healthz")
@public
def health():
    return {"status": "ok"}
