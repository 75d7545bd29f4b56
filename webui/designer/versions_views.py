"""Versions of a process: what changed between two (as lists and as colours on both diagrams, whose
BPMN files are served here), and moving running cases from one to another (a dry run first, then the
move, by the form or in batches from the page's script; each move audited and reversible while the
case is untouched)."""

from __future__ import annotations

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from engine.errors import Conflict, InvalidInput, NotFound
from engine.services.instance_migration import migrate_instances, plan_migration, reverse_migration
from engine.services.migration_log import migrations_into
from engine.services.version_diff import diff_on_diagrams
from engine.services.version_files import version_diagram
from webui.designer import bp
from webui.designer.views import STUDIO
from webui.navigation import ipflow, safe_next
from webui.security import roles_required

# Cases one request of the page's script may move: each is its own transaction, so a batch answers
# in seconds and the page can show progress and stop between batches.
BATCH_LIMIT = 100
LARGEST_ID = 2**31 - 1  # the database's integer columns hold no larger id
BATCH_SHAPE = 'Send JSON: {"from": 1, "to": 2, "instance_ids": [4, 5, 6]}.'


def _versions() -> tuple[int, int]:
    try:
        return int(request.values.get("from", "")), int(request.values.get("to", ""))
    except ValueError:
        raise InvalidInput("choose two versions", {"from": ["Give the version numbers to compare, e.g. from=1&to=2."]}) from None


@bp.get("/processes/<process_id>/diff")
@roles_required(*STUDIO)
def diff(process_id: str):
    old, new = _versions()
    found = diff_on_diagrams(ipflow(), process_id, old, new)
    return render_template("studio/diff.html", diff=found.diff, drawn=found)


@bp.get("/processes/<process_id>/versions/<int:version>.bpmn")
@roles_required(*STUDIO)
def version_file(process_id: str, version: int):
    found = version_diagram(ipflow(), process_id, version)
    return Response(found.xml, mimetype="application/xml")


@bp.get("/processes/<process_id>/migrate")
@roles_required(*STUDIO)
def plan(process_id: str):
    old, new = _versions()
    return render_template(
        "studio/migrate.html",
        plan=plan_migration(ipflow(), process_id, old, new),
        moves=migrations_into(ipflow(), process_id, new),
    )


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


@bp.post("/processes/<process_id>/migrate.json")
@roles_required(*STUDIO)
def migrate_batch(process_id: str):
    try:
        old, new, chosen = _batch(request.get_json(silent=True))
        report = migrate_instances(ipflow(), process_id, old, new, chosen, current_user.username)
    except InvalidInput as exc:
        return _problem(400, "Not moved", str(exc), exc.fields)
    except NotFound as exc:
        return _problem(404, "Not moved", str(exc))
    return jsonify(moved=[m._asdict() for m in report.moved], refused=[r._asdict() for r in report.refused])


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


def _batch(body) -> tuple[int, int, list[int]]:
    """(from, to, instance ids) of a JSON batch, or InvalidInput saying what to send instead."""
    if not isinstance(body, dict):
        raise InvalidInput(f"the request is not a JSON object. {BATCH_SHAPE}")
    fields: dict[str, list[str]] = {}
    for name in ("from", "to"):
        if not _positive(body.get(name)):
            fields[name] = [f"Give the version number as a whole number of 1 or more, not {body.get(name)!r}."]
    ids = body.get("instance_ids")
    if not isinstance(ids, list) or not 1 <= len(ids) <= BATCH_LIMIT or not all(_positive(i) for i in ids):
        fields["instance_ids"] = [f"Give a list of 1 to {BATCH_LIMIT} instance ids (whole numbers), e.g. [4, 5, 6]."]
    if fields:
        raise InvalidInput(f"the batch cannot be moved as sent. {BATCH_SHAPE}", fields)
    return body["from"], body["to"], ids


def _positive(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= LARGEST_ID


def _problem(status: int, title: str, detail: str, errors: dict | None = None):
    return jsonify(status=status, title=title, detail=detail, errors=errors or {}), status
