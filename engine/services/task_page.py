"""Read side of one task: what a person needs on screen to decide it (form, instructions, the case)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.container import Ipflow
from engine.db.models import Case, DefinitionVersion, HumanTask, ProcessInstance, TaskStatus, User
from engine.domain.instructions import render_instructions
from engine.errors import NotFound, PermissionDenied, ScriptError
from engine.forms import FormDefinition
from engine.runtime.elements import instructions_for
from engine.services.assignment import MANAGER_ROLE
from engine.services.cases import CaseSummary, case_summary, office_today
from engine.services.library import form_for, specs_for
from engine.services.tasks import active_user, may_complete, task_row
from engine.services.views import TaskRow


@dataclass(frozen=True)
class TaskPage:
    task: TaskRow
    form: FormDefinition | None
    draft: dict | None  # the values a person saved without completing
    instructions_html: str | None
    instructions_error: str | None  # an analyst's template mistake, shown instead of crashing the page
    case: CaseSummary | None  # None for processes that are not about a case (the demo)
    process_id: str
    completed_by: str | None
    may_complete: bool  # open, and assigned to this person or offered to them unassigned
    may_claim: bool  # open, unassigned, and offered to them (or they manage)
    may_return: bool  # open and assigned to them (or they manage)


def task_page(ctx: Ipflow, task_id: str, username: str) -> TaskPage:
    with ctx.db.reading() as session:
        row = _task(session, task_id)
        user = active_user(session, username)
        _check_may_see(row, user)
        offered = bool(set(row.roles) & user.role_names)
        manages = MANAGER_ROLE in user.role_names
        instance = session.get(ProcessInstance, row.instance_id)
        version = session.get(DefinitionVersion, instance.definition_version_id)
        form = form_for(ctx, session, version.id, row.form_key) if row.form_key else None
        case_id = session.scalar(select(Case.id).where(Case.instance_id == row.instance_id))
        case = case_summary(session, case_id) if case_id is not None else None
        html, error = _instructions(ctx, version, row, case)
        is_open = row.status == TaskStatus.OPEN
        return TaskPage(
            task=task_row(row),
            form=form,
            draft=dict(row.draft) if row.draft else None,
            instructions_html=html,
            instructions_error=error,
            case=case,
            process_id=instance.process_id,
            completed_by=row.completed_by,
            may_complete=is_open and may_complete(row, user),
            may_claim=is_open and row.assignee is None and (offered or manages),
            may_return=is_open and row.assignee is not None and (row.assignee == username or manages),
        )


def task_form(ctx: Ipflow, task_id: str, username: str) -> FormDefinition | None:
    """Only the form of a task (pinned to its case's version), for someone who may see the task:
    what a submission is read against, without building the whole page. Who may submit is
    checked where the submission is taken (complete_task, save_draft)."""
    with ctx.db.reading() as session:
        row = _task(session, task_id)
        _check_may_see(row, active_user(session, username))
        if not row.form_key:
            return None
        version_id = session.scalar(select(ProcessInstance.definition_version_id).where(ProcessInstance.id == row.instance_id))
        return form_for(ctx, session, version_id, row.form_key)


def _check_may_see(row: HumanTask, user: User) -> None:
    """Tasks offered to one of your roles, yours, or done by you; managers see every task."""
    roles = user.role_names
    if set(row.roles) & roles or MANAGER_ROLE in roles or user.username in (row.assignee, row.completed_by):
        return
    raise PermissionDenied(f"{row.name!r} is work for {', '.join(row.roles) or 'nobody'}; you have {', '.join(sorted(roles))}")


def _task(session, task_id: str) -> HumanTask:
    row = session.get(HumanTask, task_id)
    if row is None:
        raise NotFound(f"there is no task {task_id}; it may have been cancelled when its case moved on")
    return row


def _instructions(ctx: Ipflow, version: DefinitionVersion, row: HumanTask, case: CaseSummary | None) -> tuple[str | None, str | None]:
    source = instructions_for(specs_for(ctx, version), row.element_id)
    if source is None:
        return None, None
    context = {"case": case, "task": task_row(row), "today": office_today(ctx.clock, ctx.settings)}
    try:
        return render_instructions(source, context, row.element_id), None
    except ScriptError as exc:
        return None, str(exc)
