"""The monitor's pages: the instance list, a version's heatmap, one instance, a move's dry run."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for

from engine.errors import Conflict, InvalidInput
from engine.services.monitor import heatmap, monitor_page
from engine.services.monitor_instance import instance_diagram, instance_page
from engine.services.monitor_operations import OPERATIONS
from engine.services.monitor_query import STATUSES, MonitorQuery
from engine.services.token_moves import plan_move
from webui.monitor import READERS, bp
from webui.navigation import field_messages, ipflow
from webui.security import roles_required


@bp.get("")
@roles_required(*READERS)
def index():
    try:
        query = MonitorQuery.from_args(request.args)
    except InvalidInput as exc:
        return render_template("monitor/index.html", page=None, args=request.args, errors=exc.fields, statuses=STATUSES), 400
    return render_template("monitor/index.html", page=monitor_page(ipflow(), query), args=request.args, errors={},
                           statuses=STATUSES, operations=OPERATIONS)  # fmt: skip


@bp.get("/heatmap")
@roles_required(*READERS)
def heatmap_page():
    process, version = _version_args()
    return render_template("monitor/heatmap.html", map=heatmap(ipflow(), process, version))


@bp.get("/heatmap.json")
@roles_required(*READERS)
def heatmap_data():
    process, version = _version_args()
    found = heatmap(ipflow(), process, version)
    return jsonify(process_id=found.process_id, version=found.version, xml=found.xml, counts=found.counts)


@bp.get("/instances/<int:instance_id>")
@roles_required(*READERS)
def instance(instance_id: int):
    return render_template("monitor/instance.html", view=instance_page(ipflow(), instance_id), errors={}, data_text=None)


@bp.get("/instances/<int:instance_id>/diagram.json")
@roles_required(*READERS)
def instance_path(instance_id: int):
    found = instance_diagram(ipflow(), instance_id)
    return jsonify(process_id=found.process_id, xml=found.xml, completed=list(found.completed), current=list(found.current))


@bp.get("/instances/<int:instance_id>/move")
@roles_required(*READERS)
def move_plan(instance_id: int):
    try:
        plan = plan_move(ipflow(), instance_id, request.args.get("to", ""))
    except (InvalidInput, Conflict) as exc:
        flash("The token cannot move: " + " ".join(field_messages(exc) if isinstance(exc, InvalidInput) else [str(exc)]), "error")
        return redirect(url_for("monitor.instance", instance_id=instance_id))
    return render_template("monitor/move.html", plan=plan)


def _version_args() -> tuple[str, int | None]:
    process = (request.args.get("process") or "trademark").strip()
    raw = (request.args.get("version") or "").strip()
    if raw and (not raw.isdigit() or not 0 < int(raw) < 2**31):
        raise InvalidInput("the version is not a number", {"version": [f"Give the version as a whole number, not {raw[:20]!r}."]})
    return process, int(raw) if raw else None
