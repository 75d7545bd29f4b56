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
from engine.services.cases import CaseSummary, case_summary, office_today
from engine.services.library import form_for, specs_for
from engine.services.tasks import task_row
from engine.services.views import TaskRow

MANAGER = "manager"


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
        row = session.get(HumanTask, task_id)
        if row is None:
            raise NotFound(f"there is no task {task_id}; it may have been cancelled when its case moved on")
        user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
        if user is None:
            raise NotFound(f"no active user named {username!r}")
        roles = user.role_names
        offered = bool(set(row.roles) & roles)
        manages = MANAGER in roles
        if not (offered or manages or row.assignee == username or row.completed_by == username):
            raise PermissionDenied(f"{row.name!r} is work for {', '.join(row.roles) or 'nobody'}; you have {', '.join(sorted(roles))}")
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
            may_complete=is_open and (row.assignee == username if row.assignee else offered),
            may_claim=is_open and row.assignee is None and (offered or manages),
            may_return=is_open and row.assignee is not None and (row.assignee == username or manages),
        )


def _instructions(ctx: Ipflow, version: DefinitionVersion, row: HumanTask, case: CaseSummary | None) -> tuple[str | None, str | None]:
    source = instructions_for(specs_for(ctx, version), row.element_id)
    if source is None:
        return None, None
    context = {"case": case, "task": task_row(row), "today": office_today(ctx.clock, ctx.settings)}
    try:
        return render_instructions(source, context, row.element_id), None
    except ScriptError as exc:
        return None, str(exc)
