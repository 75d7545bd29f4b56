"""Versions of a process: what changed between two, and moving running cases from one to another
(a dry run first, then the move; each move audited and reversible while the case is untouched)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.errors import Conflict, InvalidInput
from engine.services.instance_migration import migrate_instances, plan_migration, reverse_migration
from engine.services.migration_log import migrations_into
from engine.services.version_diff import diff_versions
from webui.designer import bp
from webui.designer.views import STUDIO
from webui.navigation import ipflow, safe_next
from webui.security import roles_required


def _versions() -> tuple[int, int]:
    try:
        return int(request.values.get("from", "")), int(request.values.get("to", ""))
    except ValueError:
        raise InvalidInput("choose two versions", {"from": ["Give the version numbers to compare, e.g. from=1&to=2."]}) from None


@bp.get("/processes/<process_id>/diff")
@roles_required(*STUDIO)
def diff(process_id: str):
    old, new = _versions()
    return render_template("studio/diff.html", diff=diff_versions(ipflow(), process_id, old, new))


@bp.get("/processes/<process_id>/migrate")
@roles_required(*STUDIO)
def plan(process_id: str):
    old, new = _versions()
    return render_template("studio/migrate.html", plan=plan_migration(ipflow(), process_id, old, new),
                           moves=migrations_into(ipflow(), process_id, new))


@bp.post("/processes/<process_id>/migrate")
@roles_required(*STUDIO)
def migrate(process_id: str):
    old, new = _versions()
    chosen = [int(i) for i in request.form.getlist("instance_ids") if i.isdigit()]
    if not chosen:
        flash("Tick the cases to move.", "error")
    else:
        report = migrate_instances(ipflow(), process_id, old, new, chosen, current_user.username)
        flash(f"Moved {len(report.moved)} case(s) from version {old} to {new}.", "success")
        for refused in report.refused:
            flash(f"Not moved: {refused.business_key or refused.instance_id}: {refused.reason}", "error")
    return redirect(url_for("designer.plan", process_id=process_id, **{"from": old, "to": new}))


@bp.post("/migrations/<int:migration_id>/reverse")
@roles_required(*STUDIO)
def reverse(migration_id: int):
    try:
        done = reverse_migration(ipflow(), migration_id, current_user.username)
    except Conflict as exc:
        flash(f"Not reversed: {exc}", "error")
    else:
        flash(f"Case {done.business_key or done.instance_id} is back on version {done.version}.", "success")
    return redirect(safe_next(request.form.get("next")) or url_for("designer.index"))
