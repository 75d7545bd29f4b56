"""The monitor's operations (managers only): each parses the form, calls one service, and goes
back to the instance with what happened; the bulk route answers JSON for monitor-bulk.js."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from engine.errors import Conflict, InvalidInput
from engine.services.assignment import reassign
from engine.services.instance_operations import resume_instance, suspend_instance, terminate_instance
from engine.services.monitor_instance import instance_page
from engine.services.monitor_operations import retry_incidents, run_bulk
from engine.services.process_data_edit import edit_process_data
from engine.services.token_moves import move_token
from webui.monitor import OPERATORS, bp
from webui.navigation import field_messages, ipflow
from webui.security import roles_required

SIMPLE = {
    "suspend": (suspend_instance, "suspended"),
    "resume": (resume_instance, "resumed"),
    "terminate": (terminate_instance, "terminated"),
}
BULK_SHAPE = 'Send {"operation": "suspend", "reason": "...", "instance_ids": [1, 2]} (and "to" for a move).'


@bp.post("/instances/<int:instance_id>/<any(suspend, resume, terminate):operation>")
@roles_required(*OPERATORS)
def operate(instance_id: int, operation: str):
    action, done = SIMPLE[operation]
    return _then_back(instance_id, lambda: action(ipflow(), instance_id, request.form.get("reason", ""), current_user.username),
                      f"The instance was {done}.")  # fmt: skip


@bp.post("/instances/<int:instance_id>/retry")
@roles_required(*OPERATORS)
def retry(instance_id: int):
    job = request.form.get("job_id", "")
    job_id = int(job) if job.isdigit() and int(job) < 2**31 else None
    return _then_back(instance_id, lambda: retry_incidents(ipflow(), instance_id, request.form.get("reason", ""), current_user.username, job_id),
                      "The incident is due again; the worker runs it at its next sweep.")  # fmt: skip


@bp.post("/instances/<int:instance_id>/move")
@roles_required(*OPERATORS)
def move(instance_id: int):
    target = request.form.get("to", "")
    return _then_back(instance_id, lambda: move_token(ipflow(), instance_id, target, request.form.get("reason", ""), current_user.username),
                      f"The token was moved to {target}.")  # fmt: skip


@bp.post("/instances/<int:instance_id>/data")
@roles_required(*OPERATORS)
def edit_data(instance_id: int):
    text = request.form.get("data", "")
    try:
        edit_process_data(ipflow(), instance_id, text, request.form.get("reason", ""), current_user.username)
    except (InvalidInput, Conflict) as exc:
        errors = exc.fields if isinstance(exc, InvalidInput) and exc.fields else {"data": [str(exc)]}
        return render_template(
            "monitor/instance.html", view=instance_page(ipflow(), instance_id), errors=errors, data_text=text
        ), 400
    flash("The process data was saved.", "success")
    return redirect(url_for("monitor.instance", instance_id=instance_id, _anchor="data"))


@bp.post("/instances/<int:instance_id>/reassign")
@roles_required(*OPERATORS)
def reassign_task(instance_id: int):
    try:
        result = reassign(ipflow(), current_user.username, [request.form.get("task_id", "")], request.form.get("to", ""))
    except InvalidInput as exc:
        flash("Not reassigned: " + " ".join(field_messages(exc)), "error")
        return redirect(url_for("monitor.instance", instance_id=instance_id, _anchor="tasks"))
    for _, name, reason in result.refused:
        flash(f"'{name}' was not reassigned: {reason}.", "error")
    if result.done:
        flash(f"The task now lies with {request.form.get('to')}.", "success")
    return redirect(url_for("monitor.instance", instance_id=instance_id, _anchor="tasks"))


@bp.post("/bulk.json")
@roles_required(*OPERATORS)
def bulk():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("instance_ids"), list):
        return _problem(400, f"the request is not a JSON object with instance_ids. {BULK_SHAPE}")
    try:
        outcome = run_bulk(ipflow(), str(body.get("operation", "")), body["instance_ids"], body.get("reason", ""),
                           current_user.username, str(body.get("to") or ""))  # fmt: skip
    except InvalidInput as exc:
        return _problem(400, " ".join(field_messages(exc)), exc.fields)
    return jsonify(done=[{"instance_id": i, "business_key": k} for i, k in outcome.done],
                   refused=[{"instance_id": i, "business_key": k, "reason": r} for i, k, r in outcome.refused])  # fmt: skip


def _then_back(instance_id: int, action, success: str):
    try:
        action()
    except (InvalidInput, Conflict) as exc:
        messages = field_messages(exc) if isinstance(exc, InvalidInput) else [str(exc)]
        flash("Not done: " + " ".join(messages), "error")
    else:
        flash(success, "success")
    return redirect(url_for("monitor.instance", instance_id=instance_id))


def _problem(status: int, detail: str, fields: dict | None = None):
    body = {"status": status, "title": "Not done", "detail": detail}
    if fields:
        body["errors"] = fields
    return jsonify(body), status
