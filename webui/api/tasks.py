"""/tasks: the token's inbox, one task with its form, claim, return and complete, under the web
UI's rules (the token acts as its service user, who holds the token's role)."""

from __future__ import annotations

from uuid import UUID

from engine.errors import InvalidInput
from engine.services.inbox import inbox_page
from engine.services.inbox_query import InboxQuery
from engine.services.task_claims import claim_task, unclaim_task
from engine.services.task_page import task_page
from engine.services.tasks import complete_task
from webui.api.auth import STAFF, ApiBlueprint, principal
from webui.api.problems import PROBLEM_TYPE, ProblemSchema
from webui.api.tasks_schemas import (
    CompleteSchema,
    CompletionSchema,
    TaskDetailSchema,
    TaskListArgsSchema,
    TaskListSchema,
    TaskRowSchema,
)
from webui.navigation import ipflow

bp = ApiBlueprint("api_tasks", __name__, url_prefix="/api/v1/tasks", description="Human tasks: list, read, claim, complete")

_NOT_FOUND = {
    "schema": ProblemSchema,
    "content_type": PROBLEM_TYPE,
    "description": "No such task (it may have been cancelled when its case moved on)",
}
_CONFLICT = {"schema": ProblemSchema, "content_type": PROBLEM_TYPE}


@bp.route("", methods=["GET"])
@bp.roles(*STAFF)
@bp.arguments(TaskListArgsSchema, location="query")
@bp.response(200, TaskListSchema)
def index(args: dict):
    """Open tasks of the token's user, filtered, sorted and a page at a time (the web inbox)"""
    return inbox_page(ipflow(), principal().username, InboxQuery.from_dict(args))


@bp.route("/<uuid:task_id>", methods=["GET"])
@bp.roles(*STAFF)
@bp.response(200, TaskDetailSchema)
@bp.alt_response(404, **_NOT_FOUND)
def show(task_id: UUID):
    """One task: who holds it, its case, and its form's fields (keys, types, required, options)"""
    return task_page(ipflow(), str(task_id), principal().username)


@bp.route("/<uuid:task_id>/claim", methods=["POST"])
@bp.roles(*STAFF)
@bp.response(200, TaskRowSchema)
@bp.alt_response(404, **_NOT_FOUND)
@bp.alt_response(409, description="Claimed by someone else, or no longer open", **_CONFLICT)
def claim(task_id: UUID):
    """Claim a task for the token's user: open, unclaimed and offered to its role"""
    return claim_task(ipflow(), str(task_id), principal().username)


@bp.route("/<uuid:task_id>/unclaim", methods=["POST"])
@bp.roles(*STAFF)
@bp.response(200, TaskRowSchema)
@bp.alt_response(404, **_NOT_FOUND)
@bp.alt_response(409, description="Not claimed by anyone, or no longer open", **_CONFLICT)
def unclaim(task_id: UUID):
    """Return a task to its group (the holder, or a manager, may)"""
    return unclaim_task(ipflow(), str(task_id), principal().username)


@bp.route("/<uuid:task_id>/complete", methods=["POST"])
@bp.roles(*STAFF)
@bp.arguments(CompleteSchema)
@bp.response(200, CompletionSchema)
@bp.alt_response(404, **_NOT_FOUND)
@bp.alt_response(409, description="No longer open, or its process instance is suspended", **_CONFLICT)
@bp.alt_response(422, description="The data breaks the form's rules (errors by field path: data.<key>)", **_CONFLICT)
def complete(body: dict, task_id: UUID):
    """Complete a task with its form's data, checked exactly as the task page checks it"""
    try:
        return complete_task(ipflow(), str(task_id), principal().username, body["data"])
    except InvalidInput as exc:  # the form's keys, as paths into this request's body
        raise InvalidInput(
            "the data breaks the form's rules", {f"data.{key}": texts for key, texts in exc.fields.items()}
        ) from None
