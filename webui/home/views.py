from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from webui.home import bp
from webui.security import STAFF, public, roles_required


@bp.get("/")
@roles_required()
def index():
    """Staff start in their inbox; everyone else gets the start page of what they may use."""
    if current_user.has_any(*STAFF):
        return redirect(url_for("inbox.index"))
    return render_template("home/index.html")


@bp.get("/healthz")
@public
def health():
    return {"status": "ok"}
