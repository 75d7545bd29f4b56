"""The task inbox: tabs with counts, filters, saved filters, claim / return / reassign (one or many)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from engine.errors import InvalidInput
from engine.services import assignment
from engine.services.inbox import inbox_page
from engine.services.inbox_query import RIGHT_TYPES, SORTS, InboxQuery
from engine.services.saved_filters import delete_filter as delete_saved_filter
from engine.services.saved_filters import save_filter as save_named_filter
from webui.inbox import bp
from webui.inbox.summaries import bulk_messages
from webui.navigation import field_messages, ipflow, safe_next
from webui.security import MANAGERS, STAFF, roles_required

TAB_TITLES = {"mine": "My tasks", "groups": "My groups' tasks", "all": "All"}


@bp.get("")
@roles_required(*STAFF)
def index():
    query, errors = _query(request.args)
    page = inbox_page(ipflow(), current_user.username, query)
    html = render_template(
        "inbox/index.html", page=page, q=query, form=request.args, errors=errors, tab_titles=TAB_TITLES,
        right_types=RIGHT_TYPES, sorts=SORTS, link=_linker(query), here=request.full_path.rstrip("?"),
    )  # fmt: skip
    return html, 400 if errors else 200


@bp.post("/claim")
@roles_required(*STAFF)
def claim():
    return _bulk(assignment.claim, "Claimed {tasks}.", "claimed")


@bp.post("/unclaim")
@roles_required(*STAFF)
def unclaim():
    return _bulk(assignment.unclaim, "Returned {tasks} to their groups.", "returned")


@bp.post("/reassign")
@roles_required(*MANAGERS)
def reassign():
    to = request.form.get("to", "")
    return _bulk(
        lambda ctx, user, ids: assignment.reassign(ctx, user, ids, to), "Reassigned {tasks} to {to}.", "reassigned", to=to
    )


@bp.post("/filters")
@roles_required(*STAFF)
def save_filter():
    try:
        query = InboxQuery.from_args(request.form)
        saved = save_named_filter(
            ipflow(), current_user.username, request.form.get("name", ""), query, request.form.get("shared_role")
        )
    except InvalidInput as exc:
        for message in field_messages(exc):
            flash(f"The filter was not saved: {message}", "error")
    else:
        flash(
            f"Saved the filter “{saved.name}”" + (f", shared with {saved.shared_role}." if saved.shared_role else "."), "success"
        )
    return _back()


@bp.post("/filters/<int:filter_id>/delete")
@roles_required(*STAFF)
def delete_filter(filter_id: int):
    deleted = delete_saved_filter(ipflow(), current_user.username, filter_id)
    flash(f"Deleted the filter “{deleted.name}”.", "success")
    return _back()


def _query(args: MultiDict) -> tuple[InboxQuery, dict[str, list[str]]]:
    """The query asked for; when some values are bad, the query without them and what was wrong."""
    try:
        return InboxQuery.from_args(args), {}
    except InvalidInput as exc:
        good = MultiDict([(k, v) for k, v in args.items(multi=True) if k not in exc.fields])
        return InboxQuery.from_args(good), exc.fields


def _linker(query: InboxQuery):
    """`link(page=2)` in the template: this inbox URL with some values changed, the rest kept."""
    return lambda **changes: url_for("inbox.index", **query.replace(**changes).as_dict())


def _bulk(action, done: str, verb: str, **values: str):
    try:
        result = action(ipflow(), current_user.username, request.form.getlist("task_ids"))
    except InvalidInput as exc:
        for message in field_messages(exc):
            flash(message, "error")
    else:
        for category, message in bulk_messages(result, done, verb, **values):
            flash(message, category)
    return _back()


def _back():
    return redirect(safe_next(request.form.get("next")) or url_for("inbox.index"))
