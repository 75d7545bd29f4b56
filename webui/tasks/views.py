"""The task page: instructions, the form (save a draft, complete) and the case beside it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from engine.errors import Conflict, InvalidInput, PermissionDenied
from engine.services.task_page import TaskPage, task_form, task_page
from engine.services.tasks import complete_task, list_tasks, save_draft
from webui.navigation import ipflow
from webui.security import STAFF, roles_required
from webui.tasks import bp
from webui.tasks.form_fields import form_view, unplaced_errors
from webui.tasks.posted_data import posted_values


@bp.get("/<task_id>", endpoint="task_page")
@roles_required(*STAFF)
def show(task_id: str):
    page = task_page(ipflow(), task_id, current_user.username)
    return _render(page, page.draft or {}, {})


@bp.post("/<task_id>/draft", endpoint="save_draft")
@roles_required(*STAFF)
def keep_draft(task_id: str):
    values = _posted(task_form(ipflow(), task_id, current_user.username))
    try:
        save_draft(ipflow(), task_id, current_user.username, values)
    except (Conflict, PermissionDenied) as exc:
        flash(f"The draft was not saved: {exc}.", "error")
        return redirect(url_for("tasks.task_page", task_id=task_id))
    flash("Draft saved. The task is yours until you complete it or return it to the group.", "success")
    return redirect(url_for("tasks.task_page", task_id=task_id))


@bp.post("/<task_id>/complete")
@roles_required(*STAFF)
def complete(task_id: str):
    values = _posted(task_form(ipflow(), task_id, current_user.username))
    try:
        done = complete_task(ipflow(), task_id, current_user.username, values)
    except InvalidInput as exc:
        flash("The form has mistakes; see the messages next to the fields.", "error")
        page = task_page(ipflow(), task_id, current_user.username)  # the whole page only to show it again
        return _render(page, values, exc.fields or {"": [str(exc)]}, status=422)
    except (Conflict, PermissionDenied) as exc:
        flash(f"The task was not completed: {exc}.", "error")
        return redirect(url_for("tasks.task_page", task_id=task_id))
    following = done.next_tasks[0] if done.next_tasks else next(iter(list_tasks(ipflow(), user=current_user.username, limit=1)), None)
    if following is None:
        flash(f"“{done.task.name}” completed. Your inbox is clear.", "success")
        return redirect(url_for("inbox.index"))
    flash(f"“{done.task.name}” completed. Next: {following.name}.", "success")
    return redirect(url_for("tasks.task_page", task_id=following.id))


def _posted(form) -> dict:
    return posted_values(form, request.form) if form else {}


def _render(page: TaskPage, values: dict, errors: dict, status: int = 200):
    fields = form_view(page.form, values, errors) if page.form else ()
    general = unplaced_errors(page.form, errors) if page.form else tuple(m for ms in errors.values() for m in ms)
    return render_template("tasks/task.html", page=page, fields=fields, general_errors=general), status
