"""The studio's start page (the library and the drafts) and deploying the drafts."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from engine.errors import Conflict
from engine.services.library_view import library_overview
from engine.services.workspace import deploy_workspace, workspace_files
from webui.designer import bp
from webui.navigation import ipflow
from webui.security import roles_required

STUDIO = ("analyst", "admin")


@bp.get("")
@roles_required(*STUDIO)
def index():
    files = workspace_files(ipflow())
    drafts = tuple(f for f in files if f.drafted)
    return render_template("studio/index.html", overview=library_overview(ipflow()), files=files, drafts=drafts,
                           problem_count=sum(f.problem_count for f in files))


@bp.post("/deploy")
@roles_required(*STUDIO)
def deploy():
    try:
        deployed = deploy_workspace(ipflow(), current_user.username)
    except Conflict as exc:
        flash(f"Nothing was deployed: {exc}", "error")
        return redirect(url_for("designer.index"))
    made = [d for d in deployed if d.created]
    if made:
        flash("Deployed " + ", ".join(f"{d.process_id} version {d.version}" for d in made)
              + ". New cases use the new versions; running cases stay on theirs.", "success")
    else:
        flash("Nothing changed since the last deployment.", "info")
    return redirect(url_for("designer.index"))
