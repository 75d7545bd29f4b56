"""Who holds which task: claim it, return it to its group, reassign it (managers).

Each call is one transaction over a selection of tasks, and each task is decided on its own: a
refused row never stops the others. The change itself is a conditional UPDATE that names the
holder it expects, so when two people act on one task at once exactly one of them wins and the
other is told who did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import HumanTask, TaskStatus, User, user_roles
from engine.errors import InvalidInput, NotFound, PermissionDenied
from engine.services.stepping import audit

MANAGER_ROLE = "manager"  # may see every open task, claim any of them, return or reassign anyone's
MAX_TASKS_PER_CALL = 500


@dataclass(frozen=True)
class BulkResult:
    done: tuple[str, ...]  # task ids changed
    refused: tuple[tuple[str, str, str], ...]  # (task id, task name, reason a person can act on)


@dataclass(frozen=True)
class UserChoice:
    """An active person a manager may hand tasks to."""

    username: str
    name: str
    roles: tuple[str, ...]


def roles_of(session: Session, username: str) -> frozenset[str]:
    """The roles of an active user (NotFound for an unknown or inactive one), in one query."""
    rows = session.execute(
        select(User.id, user_roles.c.role_name)
        .outerjoin(user_roles, user_roles.c.user_id == User.id)
        .where(User.username == username, User.active.is_(True))
    ).all()
    if not rows:
        raise NotFound(f"no active user named {username!r}")
    return frozenset(role for _, role in rows if role)


def assignable_users(session: Session, roles: Iterable[str]) -> tuple[UserChoice, ...]:
    """Active users holding at least one of `roles`, by name: whom a task offered to them may go to."""
    wanted = sorted(set(roles))
    if not wanted:
        return ()
    holders = select(user_roles.c.user_id).where(user_roles.c.role_name.in_(wanted))
    rows = session.execute(
        select(User.username, User.name, user_roles.c.role_name)
        .join(user_roles, user_roles.c.user_id == User.id)
        .where(User.active.is_(True), User.id.in_(holders))
        .order_by(User.name, User.username, user_roles.c.role_name)
    ).all()
    people: dict[str, UserChoice] = {}
    for username, name, role in rows:
        known = people.get(username)
        people[username] = UserChoice(username, name, (*known.roles, role) if known else (role,))
    return tuple(people.values())


def claim(ctx: Ipflow, username: str, task_ids: Iterable[str]) -> BulkResult:
    """Take open, unassigned tasks offered to one of my roles (a manager may take any open one)."""
    ids = _task_ids(task_ids)
    with ctx.db.transaction() as session:
        roles = roles_of(session, username)
        return _each(ctx, session, username, ids, "task_claimed", username, lambda task: _claim_refusal(task, username, roles))


def unclaim(ctx: Ipflow, username: str, task_ids: Iterable[str]) -> BulkResult:
    """Return tasks to their group: the person holding them, or a manager, may."""
    ids = _task_ids(task_ids)
    with ctx.db.transaction() as session:
        manager = MANAGER_ROLE in roles_of(session, username)
        return _each(ctx, session, username, ids, "task_unclaimed", None, lambda task: _unclaim_refusal(task, username, manager))


def reassign(ctx: Ipflow, username: str, task_ids: Iterable[str], to_username: str) -> BulkResult:
    """Hand tasks to someone else (managers only); they must hold one of each task's roles."""
    ids = _task_ids(task_ids)
    to_username = (to_username or "").strip()
    with ctx.db.transaction() as session:
        if MANAGER_ROLE not in roles_of(session, username):
            raise PermissionDenied(f"only a manager may reassign tasks; {username} is not one")
        try:
            target_roles = roles_of(session, to_username)
        except NotFound:
            raise InvalidInput(f"no active user named {to_username!r}", {"to": ["Choose an active user."]}) from None
        return _each(
            ctx,
            session,
            username,
            ids,
            "task_reassigned",
            to_username,
            lambda task: _reassign_refusal(task, to_username, target_roles),
        )


# Rules -----------------------------------------------------------------------------------------


def _claim_refusal(task: HumanTask | None, username: str, roles: frozenset[str]) -> str | None:
    if task is None or task.status != TaskStatus.OPEN:
        return _closed(task)
    if task.assignee == username:
        return "already yours"
    if task.assignee is not None:
        return f"already claimed by {task.assignee}"
    if MANAGER_ROLE not in roles and not roles & set(task.roles):
        return f"offered to {_names(task.roles)}; you hold {_names(sorted(roles))}"
    return None


def _unclaim_refusal(task: HumanTask | None, username: str, manager: bool) -> str | None:
    if task is None or task.status != TaskStatus.OPEN:
        return _closed(task)
    if task.assignee is None:
        return "not claimed by anyone"
    if task.assignee != username and not manager:
        return f"claimed by {task.assignee}; only they or a manager can return it"
    return None


def _reassign_refusal(task: HumanTask | None, to_username: str, target_roles: frozenset[str]) -> str | None:
    if task is None or task.status != TaskStatus.OPEN:
        return _closed(task)
    if task.assignee == to_username:
        return f"already assigned to {to_username}"
    if not target_roles & set(task.roles):
        return f"{to_username} holds none of the roles it is offered to ({_names(task.roles)})"
    return None


def _closed(task: HumanTask | None) -> str:
    if task is None:
        return "no such task"
    return f"already {task.status}" + (f" by {task.completed_by}" if task.completed_by else "")


def _names(items) -> str:
    return ", ".join(items) or "nobody"


# Doing it ----------------------------------------------------------------------------------------


def _move(
    ctx: Ipflow, session: Session, task: HumanTask, actor: str, expected: str | None, to: str | None, kind: str
) -> str | None:
    """Set the holder if it is still `expected` (None: a refusal saying what changed meanwhile)."""
    holder = HumanTask.assignee.is_(None) if expected is None else HumanTask.assignee == expected
    changed = session.execute(
        update(HumanTask)
        .where(HumanTask.id == task.id, HumanTask.status == TaskStatus.OPEN, holder)
        .values(assignee=to)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        # A new statement: under READ COMMITTED it sees what the winner committed.
        status, assignee = session.execute(select(HumanTask.status, HumanTask.assignee).where(HumanTask.id == task.id)).one()
        if status != TaskStatus.OPEN:
            return f"already {status}"
        return f"already claimed by {assignee}" if assignee else "returned to its group meanwhile"
    audit(
        session,
        ctx,
        kind,
        actor,
        task.instance_id,
        task_id=task.id,
        element_id=task.element_id,
        data={"from": expected, "to": to},
    )
    return None


def _task_ids(task_ids: Iterable[str]) -> list[str]:
    ids = list(dict.fromkeys(t.strip() for t in task_ids if t and t.strip()))
    if not ids:
        raise InvalidInput("no task chosen", {"task_ids": ["Tick at least one task."]})
    if len(ids) > MAX_TASKS_PER_CALL:
        raise InvalidInput("too many tasks at once", {"task_ids": [f"Choose at most {MAX_TASKS_PER_CALL} tasks at a time."]})
    return ids


def _tasks(session: Session, ids: list[str]) -> dict[str, HumanTask]:
    return {t.id: t for t in session.scalars(select(HumanTask).where(HumanTask.id.in_(ids)))}


def _each(
    ctx: Ipflow,
    session: Session,
    actor: str,
    ids: list[str],
    kind: str,
    to: str | None,
    refusal: Callable[[HumanTask | None], str | None],
) -> BulkResult:
    """Each task on its own: refused with the reason `refusal` gives, or handed from its holder
    to `to` (audited as `kind`); a refused row never stops the others."""
    tasks = _tasks(session, ids)
    done: list[str] = []
    refused: list[tuple[str, str, str]] = []
    for task_id in ids:
        task = tasks.get(task_id)
        reason = refusal(task)
        if reason is None:
            reason = _move(ctx, session, task, actor, task.assignee, to, kind)
        if reason is None:
            done.append(task_id)
        else:
            refused.append((task_id, task.name if task is not None else task_id, reason))
    return BulkResult(tuple(done), tuple(refused))
