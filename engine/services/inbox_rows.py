"""The inbox's rows: a page of open tasks with their case, mark or title, first applicant and
candidate roles, read in two queries however many rows the page shows, and each due date judged
in the office's zone (overdue, soon, later).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import Case, HumanTask, TrademarkDetails
from engine.db.models.tasks import roles_of_text
from engine.services.case_columns import first_applicant
from engine.services.cases import office_today
from engine.services.inbox_query import InboxQuery
from engine.services.paging import page_of

SOON_DAYS = 7  # due within a week: "soon"


@dataclass(frozen=True)
class InboxRow:
    task_id: str
    instance_id: int
    case_id: int | None  # None: a task of a process without a case (the demo)
    case_number: str | None
    right_type: str | None
    task_name: str
    element_id: str
    subject: str | None  # the mark's verbal element, else the case title
    applicant: str | None
    created_at: datetime
    due_at: datetime | None
    days_left: int | None  # calendar days from office today to the due date in the office's zone
    due_class: str  # overdue | soon | later | none
    priority: int
    assignee: str | None
    candidate_roles: tuple[str, ...]
    created_date: date  # created_at and due_at as dates in the office's zone, for display
    due_date: date | None


def with_case(statement: Select) -> Select:
    """Each task's case and trademark details beside it; outer joins, as demo-process tasks have no case."""
    return statement.outerjoin(Case, Case.instance_id == HumanTask.instance_id).outerjoin(
        TrademarkDetails, TrademarkDetails.case_id == Case.id
    )


def page_rows(ctx: Ipflow, session: Session, query: InboxQuery, where: list) -> tuple[InboxRow, ...]:
    """The rows of the page `query` asks for among the tasks meeting `where`, in its sort order."""
    columns = (
        HumanTask.id.label("task_id"),
        HumanTask.instance_id,
        Case.id.label("case_id"),
        func.coalesce(Case.application_number, HumanTask.business_key).label("case_number"),
        Case.right_type,
        HumanTask.name.label("task_name"),
        HumanTask.element_id,
        TrademarkDetails.verbal_element,
        Case.title,
        first_applicant().label("applicant"),
        HumanTask.created_at,
        HumanTask.due_at,
        HumanTask.priority,
        HumanTask.assignee,
        HumanTask.offered_roles,
    )
    statement = with_case(select(*columns).select_from(HumanTask)).where(*where).order_by(*_order(query.sort))
    found = session.execute(page_of(statement, query.page, query.per_page)).all()
    today = office_today(ctx.clock, ctx.settings)
    return tuple(_row(ctx, r, today) for r in found)


def _order(sort: str) -> tuple:
    due = HumanTask.due_at.asc().nulls_last()
    by_sort = {
        "due": (due, HumanTask.created_at),
        "-due": (HumanTask.due_at.desc().nulls_first(), HumanTask.created_at.desc()),  # no due date: latest of all
        "created": (HumanTask.created_at,),
        "-created": (HumanTask.created_at.desc(),),
        "priority": (HumanTask.priority.desc(), due, HumanTask.created_at),
        # The mirror's copy of the case number (numbering keys the instance by it): an indexed column.
        "case": (HumanTask.business_key.asc().nulls_last(), due),
    }
    return (*by_sort[sort], HumanTask.id)  # the id last: paging never shows a row twice


def _row(ctx: Ipflow, r: Any, today: date) -> InboxRow:
    due_date = r.due_at.astimezone(ctx.office_zone).date() if r.due_at else None
    days_left = (due_date - today).days if due_date else None
    return InboxRow(
        task_id=r.task_id,
        instance_id=r.instance_id,
        case_id=r.case_id,
        case_number=r.case_number,
        right_type=str(r.right_type) if r.right_type else None,
        task_name=r.task_name,
        element_id=r.element_id,
        subject=r.verbal_element or r.title,
        applicant=r.applicant,
        created_at=r.created_at,
        due_at=r.due_at,
        days_left=days_left,
        due_class=_due_class(days_left),
        priority=r.priority,
        assignee=r.assignee,
        candidate_roles=roles_of_text(r.offered_roles),
        created_date=r.created_at.astimezone(ctx.office_zone).date(),
        due_date=due_date,
    )


def _due_class(days_left: int | None) -> str:
    if days_left is None:
        return "none"
    if days_left < 0:
        return "overdue"
    return "soon" if days_left <= SOON_DAYS else "later"
