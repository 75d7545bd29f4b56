"""Claim or return one task, for callers that act on a single task and need a clear answer (the
API): the person may not see it -> PermissionDenied, it is gone -> NotFound, the inbox's rules
refuse it now (claimed by someone else, no longer open) -> Conflict with the reason. The change
itself is the inbox's (engine/services/assignment.py), so both follow the same rules."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import HumanTask, TaskStatus
from engine.errors import Conflict, NotFound, PermissionDenied
from engine.services import assignment
from engine.services.task_page import task_form
from engine.services.tasks import task_row
from engine.services.views import TaskRow


def claim_task(ctx: Ipflow, task_id: str, username: str) -> TaskRow:
    """Take an open, unassigned task offered to one of my roles (a manager may take any)."""
    task_form(ctx, task_id, username)  # NotFound, or PermissionDenied when it is not work for me
    return _outcome(ctx, task_id, "claimed", assignment.claim(ctx, username, [task_id]))


def unclaim_task(ctx: Ipflow, task_id: str, username: str) -> TaskRow:
    """Return a task to its group: the person holding it, or a manager, may."""
    task_form(ctx, task_id, username)
    with ctx.db.reading() as session:
        row = _task(session, task_id)
        holder = row.assignee
        if row.status == TaskStatus.OPEN and holder not in (None, username):
            if assignment.MANAGER_ROLE not in assignment.roles_of(session, username):
                raise PermissionDenied(f"{row.name!r} is claimed by {holder}; only they or a manager can return it")
    return _outcome(ctx, task_id, "returned", assignment.unclaim(ctx, username, [task_id]))


def _outcome(ctx: Ipflow, task_id: str, verb: str, result: assignment.BulkResult) -> TaskRow:
    if result.refused:
        _, name, reason = result.refused[0]
        raise Conflict(f"task {name!r} was not {verb}: {reason}")
    with ctx.db.reading() as session:
        return task_row(_task(session, task_id))


def _task(session: Session, task_id: str) -> HumanTask:
    row = session.get(HumanTask, task_id)
    if row is None:
        raise NotFound(f"there is no task {task_id}; it may have been cancelled when its case moved on")
    return row
