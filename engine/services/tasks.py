"""Use cases of human tasks: list them, save a draft, complete one."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import HumanTask, InstanceStatus, ProcessInstance, TaskStatus, User, offered_to_any
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from engine.forms import validate_submission
from engine.runtime.runner import complete_human_task
from engine.services.library import form_for
from engine.services.stepping import audit, retrying, step
from engine.services.views import TaskRow


def task_row(row: HumanTask) -> TaskRow:
    return TaskRow(
        id=row.id,
        instance_id=row.instance_id,
        business_key=row.business_key,
        element_id=row.element_id,
        name=row.name,
        form_key=row.form_key,
        candidate_roles=row.roles,
        assignee=row.assignee,
        priority=row.priority,
        due_at=row.due_at,
        created_at=row.created_at,
        status=str(row.status),
    )


def list_tasks(ctx: Ipflow, user: str | None = None, role: str | None = None, limit: int = 200) -> list[TaskRow]:
    """Open tasks, due date first: those a user may do (assigned to them or offered to one of
    their roles), or those offered to a role, or all of them."""
    with ctx.db.reading() as session:
        query = select(HumanTask).where(HumanTask.status == TaskStatus.OPEN)
        if user is not None:
            account = active_user(session, user)
            query = query.where((HumanTask.assignee == user) | (HumanTask.assignee.is_(None) & offered_to_any(account.role_names)))
        if role is not None:
            query = query.where(offered_to_any([role]))
        query = query.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.created_at).limit(limit)
        return [task_row(r) for r in session.scalars(query)]


@dataclass(frozen=True)
class Completion:
    task: TaskRow
    next_tasks: tuple[TaskRow, ...]  # what this person can do next in the same case, first


def complete_task(ctx: Ipflow, task_id: str, username: str, data: Mapping[str, Any]) -> Completion:
    """Validate the submitted form, complete the task under the instance lock, run on, audit."""
    if not isinstance(data, Mapping):
        raise InvalidInput("form data must be a JSON object", {"data": ["Give an object of field values."]})
    return retrying(3, lambda: _complete(ctx, task_id, username, data))


def _complete(ctx: Ipflow, task_id: str, username: str, data: Mapping[str, Any]) -> Completion:
    with ctx.db.transaction() as session:
        row = session.get(HumanTask, task_id)
        if row is None:
            raise NotFound(f"task {task_id} does not exist")
        user = active_user(session, username)
        instance = session.get(ProcessInstance, row.instance_id)
        # Who may and whether it may happen now come before the data: a refusal is told first.
        _check_may_complete(row, user)
        if instance.status == InstanceStatus.SUSPENDED:
            raise Conflict(
                f"task {row.name!r} cannot be completed: its process instance {instance.id} is suspended; "
                "a manager must resume it first"
            )
        cleaned = _validated(ctx, session, instance, row, data)
        with step(ctx, session, row.instance_id, actor=username) as current:
            session.refresh(row)  # another worker may have completed it while we waited for the lock
            _check_may_complete(row, user)
            complete_human_task(current.workflow, task_id, cleaned)
            current.completed.append((task_id, row.element_id))
            now = ctx.clock.now()
            row.status, row.completed_at, row.completed_by, row.draft = TaskStatus.COMPLETED, now, username, None
            audit(session, ctx, "task_completed", username, row.instance_id, task_id=task_id, element_id=row.element_id, data=cleaned)
        done = task_row(row)
        next_rows = session.scalars(
            select(HumanTask).where(HumanTask.instance_id == row.instance_id, HumanTask.status == TaskStatus.OPEN)
        ).all()
        mine = [task_row(r) for r in next_rows if may_complete(r, user)]
    return Completion(done, tuple(mine))


MAX_DRAFT_BYTES = 256 * 1024


def save_draft(ctx: Ipflow, task_id: str, username: str, values: Mapping[str, Any]) -> TaskRow:
    """Keep what a person typed so far (unvalidated) on the task, and claim the task for them if
    nobody holds it: a half-done decision belongs to the person who started it."""
    if not isinstance(values, Mapping):
        raise InvalidInput("draft values must be an object", {"data": ["Give an object of field values."]})
    text = json.dumps(values, default=str)
    if len(text) > MAX_DRAFT_BYTES:
        raise InvalidInput("the draft is too large", {"data": [f"A draft holds at most {MAX_DRAFT_BYTES // 1024} KiB of text."]})
    with ctx.db.transaction() as session:
        row = session.get(HumanTask, task_id, with_for_update=True)
        if row is None:
            raise NotFound(f"task {task_id} does not exist")
        user = active_user(session, username)
        _check_may_complete(row, user)
        if row.assignee is None:
            row.assignee = username
            audit(session, ctx, "task_claimed", username, row.instance_id, task_id=task_id, element_id=row.element_id,
                  data={"from": None, "to": username, "by": "draft"})
        row.draft = json.loads(text)
        return task_row(row)


def _validated(ctx: Ipflow, session: Session, instance: ProcessInstance, row: HumanTask, data: Mapping[str, Any]) -> dict:
    if not row.form_key:
        if data:
            raise InvalidInput("this task has no form; submit no data", {k: ["Unknown field."] for k in data})
        return {}
    form = form_for(ctx, session, instance.definition_version_id, row.form_key)
    return validate_submission(form, data)


def active_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise NotFound(f"no active user named {username!r}")
    return user


def may_complete(row: HumanTask, user: User) -> bool:
    """Open work of this person: assigned to them, or unassigned and offered to one of their roles."""
    if row.assignee is not None:
        return row.assignee == user.username
    return bool(set(row.roles) & user.role_names)


def _check_may_complete(row: HumanTask, user: User) -> None:
    if row.status != TaskStatus.OPEN:
        raise Conflict(f"task {row.id} ({row.name}) is already {row.status}" + (f" by {row.completed_by}" if row.completed_by else ""))
    if not may_complete(row, user):
        if row.assignee is not None:
            raise PermissionDenied(f"task {row.name!r} is assigned to {row.assignee}, not to {user.username}")
        raise PermissionDenied(
            f"{user.username} may not complete {row.name!r}: it is offered to {', '.join(row.roles) or 'nobody'}, "
            f"and {user.username} has {', '.join(sorted(user.role_names)) or 'no roles'}"
        )
