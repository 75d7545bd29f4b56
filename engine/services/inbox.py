"""The task inbox's read side: one page of open tasks for a person, in a fixed number of queries
however many rows the page shows (rows, total, candidate roles, tab counts, task choices, saved
filters; people to reassign to for managers).

Tabs: "mine" (assigned to me), "groups" (unassigned and offered to one of my roles), "all" (every
open task; managers only). The tab badges ignore the filters: they show a person's workload.

Counting stops at COUNT_LIMIT: an exact count of 45,000 tasks offered to a role costs a scan of
them all (about 50 ms at 100k open tasks, more as history grows), and "500+" tells a person as
much. The task filter's choices are the kinds of open tasks (one index probe per kind), each
judged by one of its tasks: a kind's candidate roles come from its lane, the same for all of them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from engine.container import Ipflow
from engine.db.models import (
    Case,
    HumanTask,
    Party,
    PartyRole,
    ProcessInstance,
    RightType,
    TaskCandidateRole,
    TaskStatus,
    TrademarkDetails,
)
from engine.errors import InvalidInput, PermissionDenied
from engine.services.assignment import MANAGER_ROLE, UserChoice, assignable_users, roles_of
from engine.services.cases import office_today
from engine.services.saved_filters import SavedFilterView, visible_filters

TABS = ("mine", "groups", "all")
SORTS = ("due", "-due", "created", "-created", "priority", "case")
RIGHT_TYPES = tuple(str(r) for r in RightType)
MAX_PER_PAGE = 100
MAX_TEXT = 200
SOON_DAYS = 7  # due within a week: "soon"
COUNT_LIMIT = 500  # tab counts and totals stop here ("500+")
_TRUE, _FALSE = {"1", "true", "on", "yes"}, {"", "0", "false", "off", "no"}


@dataclass(frozen=True)
class InboxQuery:
    """What a person asked the inbox for; the query string's shape, and a saved filter's."""

    tab: str = "mine"
    right_type: str | None = None
    task: str | None = None  # a BPMN element id
    due_from: date | None = None  # office dates, both ends included
    due_to: date | None = None
    overdue: bool = False
    text: str | None = None
    sort: str = "due"
    page: int = 1
    per_page: int = 25

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> InboxQuery:
        """Strict: an unknown key or a bad value is refused with InvalidInput naming its field."""
        errors = {key: ["Not an inbox filter."] for key in values if key not in _PARSERS}
        parsed: dict[str, Any] = {}
        for name, parse in _PARSERS.items():
            if name in values:
                try:
                    parsed[name] = parse(values[name])
                except ValueError as exc:
                    errors[name] = [str(exc)]
        start, end = parsed.get("due_from"), parsed.get("due_to")
        if start and end and start > end:
            errors.setdefault("due_to", []).append("Give a date on or after the 'due from' date.")
        if errors:
            raise InvalidInput("the inbox filter is not valid", errors)
        return cls(**parsed)

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> InboxQuery:
        """From a query string or a form: keys that are not filters (csrf_token, next) are left out."""
        return cls.from_dict({name: args.get(name) for name in _PARSERS if name in args})

    def as_dict(self) -> dict[str, Any]:
        """The values that differ from the defaults, JSON-ready (dates as ISO strings)."""
        default = InboxQuery()
        out = {}
        for name, value in asdict(self).items():
            if value != getattr(default, name):
                out[name] = value.isoformat() if isinstance(value, date) else value
        return out

    def replace(self, **changes: Any) -> InboxQuery:
        return replace(self, **changes)

    @property
    def filtered(self) -> bool:
        """Whether anything narrows the tab (then the total is counted; else it is the tab's count)."""
        return bool(self.right_type or self.task or self.due_from or self.due_to or self.overdue or self.text)


def _choice(options: tuple[str, ...], default: str | None):
    def parse(value: Any) -> str | None:
        if value is None or value == "":
            return default
        if value not in options:
            raise ValueError(f"Choose one of: {', '.join(options)}.")
        return value

    return parse


def _element_id(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 255:
        raise ValueError("Choose a task from the list.")
    return value


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError("Give a date as YYYY-MM-DD.") from None


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ValueError("Tick the box or leave it empty.")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise ValueError(f"Search for at most {MAX_TEXT} characters.")
    return text or None


def _whole(low: int, high: int, default: int):
    def parse(value: Any) -> int:
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
            raise ValueError(f"Give a whole number from {low} to {high}.")
        number = int(value)
        if not low <= number <= high:
            raise ValueError(f"Give a whole number from {low} to {high}.")
        return number

    return parse


_PARSERS = {
    "tab": _choice(TABS, "mine"),
    "right_type": _choice(RIGHT_TYPES, None),
    "task": _element_id,
    "due_from": _date,
    "due_to": _date,
    "overdue": _flag,
    "text": _text,
    "sort": _choice(SORTS, "due"),
    "page": _whole(1, 1_000_000, 1),
    "per_page": _whole(1, MAX_PER_PAGE, 25),
}
assert set(_PARSERS) == {f.name for f in fields(InboxQuery)}


# Read models ---------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class TaskChoice:
    element_id: str
    name: str


@dataclass(frozen=True)
class InboxPage:
    query: InboxQuery
    rows: tuple[InboxRow, ...]
    total: int  # of the tab with its filters; when total_capped, "more than total"
    counts: dict[str, int]  # per visible tab, without the filters; tabs in `capped` hold more than that
    page: int
    pages: int  # when total_capped, "pages and more"
    task_choices: tuple[TaskChoice, ...]
    saved_filters: tuple[SavedFilterView, ...]
    tabs: tuple[str, ...]  # the tabs this person may open
    my_roles: tuple[str, ...]
    assignees: tuple[UserChoice, ...] = ()  # managers: who the page's tasks may be reassigned to
    capped: frozenset[str] = frozenset()  # tabs whose count stopped at COUNT_LIMIT
    total_capped: bool = False

    def count_text(self, tab: str) -> str:
        return f"{self.counts[tab]}+" if tab in self.capped else str(self.counts[tab])

    @property
    def may_reassign(self) -> bool:
        return "all" in self.tabs


# Queries -------------------------------------------------------------------------------------------


def inbox_page(ctx: Ipflow, username: str, query: InboxQuery) -> InboxPage:
    """One page of a tab, filtered and sorted in SQL; PermissionDenied for "all" unless a manager."""
    with ctx.db.reading() as session:
        roles = roles_of(session, username)
        manager = MANAGER_ROLE in roles
        if query.tab == "all" and not manager:
            raise PermissionDenied("only managers see every open task; choose 'My tasks' or 'My groups' tasks'")
        tabs = TABS if manager else TABS[:2]
        counts = _counts(session, {tab: _tab(tab, username, roles) for tab in tabs})
        where = [*_tab(query.tab, username, roles), *_filters(ctx, query)]
        rows = _rows(ctx, session, query, where)
        total, limit = _total(session, query, where, len(rows), counts[query.tab])
        assignees = assignable_users(session, {r for row in rows for r in row.candidate_roles}) if manager and rows else ()
        return InboxPage(
            query=query,
            rows=rows,
            total=min(total, limit),
            counts={tab: min(n, COUNT_LIMIT) for tab, n in counts.items()},
            page=query.page,
            pages=max(1, math.ceil(min(total, limit) / query.per_page)),
            task_choices=_task_choices(session, query.tab, username, roles),
            saved_filters=visible_filters(session, username, roles),
            tabs=tabs,
            my_roles=tuple(sorted(roles)),
            assignees=assignees,
            capped=frozenset(tab for tab, n in counts.items() if n > COUNT_LIMIT),
            total_capped=total > limit,
        )


def _offered_to(roles: frozenset[str]) -> ColumnElement[bool]:
    # EXISTS on (task_id, role): the primary key of task_candidate_roles answers it per task.
    return exists().where(TaskCandidateRole.task_id == HumanTask.id, TaskCandidateRole.role.in_(sorted(roles)))


def _tab(tab: str, username: str, roles: frozenset[str]) -> list[ColumnElement[bool]]:
    where = [HumanTask.status == TaskStatus.OPEN]
    if tab == "mine":
        where.append(HumanTask.assignee == username)
    elif tab == "groups":
        where += [HumanTask.assignee.is_(None), _offered_to(roles)]
    return where


def _filters(ctx: Ipflow, query: InboxQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.right_type:
        where.append(Case.right_type == query.right_type)
    if query.task:
        where.append(HumanTask.element_id == query.task)
    if query.due_from:
        where.append(HumanTask.due_at >= _office_midnight(ctx, query.due_from))
    if query.due_to:
        where.append(HumanTask.due_at < _office_midnight(ctx, query.due_to + timedelta(days=1)))
    if query.overdue:  # due before office today began: the same rule as due_class "overdue"
        where.append(HumanTask.due_at < _office_midnight(ctx, office_today(ctx.clock, ctx.settings)))
    if query.text:
        where.append(_text_matches(query.text))
    return where


def _text_matches(text: str) -> ColumnElement[bool]:
    """Case number, applicant, mark or title contain the text; % and _ typed by a person are literal.

    Asked as "the task's instance is one of those whose case or key matches": that set is small,
    so the database starts from it instead of testing every task of the tab against four columns.
    """

    def has(column) -> ColumnElement[bool]:
        return column.icontains(text, autoescape=True)

    instances = union_all(
        select(Case.instance_id).where(or_(has(Case.application_number), has(Case.title))),
        select(Case.instance_id)
        .join(TrademarkDetails, TrademarkDetails.case_id == Case.id)
        .where(has(TrademarkDetails.verbal_element)),
        select(Case.instance_id).join(Party, Party.case_id == Case.id).where(Party.role == PartyRole.APPLICANT, has(Party.name)),
        select(ProcessInstance.id).where(has(ProcessInstance.business_key)),  # tasks without a case: the demo's
    )
    return HumanTask.instance_id.in_(instances)


def _office_midnight(ctx: Ipflow, day: date) -> datetime:
    return datetime.combine(day, time(0), ctx.office_zone)


def _with_case(statement: Select) -> Select:
    return statement.outerjoin(Case, Case.instance_id == HumanTask.instance_id).outerjoin(
        TrademarkDetails, TrademarkDetails.case_id == Case.id
    )


def _up_to(where: list, limit: int, with_case: bool = False):
    """How many tasks match, counting no further than limit + 1 (so "more than limit" shows)."""
    matching = select(literal(1)).select_from(HumanTask)
    if with_case:
        matching = _with_case(matching)
    return select(func.count()).select_from(matching.where(*where).limit(limit + 1).subquery()).scalar_subquery()


def _total(session: Session, query: InboxQuery, where: list, shown: int, tab_count: int) -> tuple[int, int]:
    """The tab's total with the filters, up to (limit + 1), and the limit: past the page asked
    for, so that a deep page still knows whether another follows."""
    limit = max(COUNT_LIMIT, query.page * query.per_page)
    if 0 < shown < query.per_page or (query.page == 1 and not shown):
        return (query.page - 1) * query.per_page + shown, limit  # a page that is not full is the last
    if not query.filtered and limit == COUNT_LIMIT:
        return tab_count, limit  # counted with the tabs already
    return session.scalar(select(_up_to(where, limit, with_case=bool(query.right_type)))), limit


def _counts(session: Session, tabs: dict[str, list]) -> dict[str, int]:
    """Each tab's open tasks up to COUNT_LIMIT + 1, in one statement."""
    counted = session.execute(select(*(_up_to(where, COUNT_LIMIT).label(tab) for tab, where in tabs.items()))).one()
    return dict(zip(tabs, counted, strict=True))


def _case_number():
    return func.coalesce(Case.application_number, HumanTask.business_key)


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


def _rows(ctx: Ipflow, session: Session, query: InboxQuery, where: list) -> tuple[InboxRow, ...]:
    first_applicant = (
        select(Party.name)
        .where(Party.case_id == Case.id, Party.role == PartyRole.APPLICANT)
        .order_by(Party.position)
        .limit(1)
        .correlate(Case)
        .scalar_subquery()
    )
    columns = (
        HumanTask.id.label("task_id"),
        HumanTask.instance_id,
        Case.id.label("case_id"),
        _case_number().label("case_number"),
        Case.right_type,
        HumanTask.name.label("task_name"),
        HumanTask.element_id,
        TrademarkDetails.verbal_element,
        Case.title,
        first_applicant.label("applicant"),
        HumanTask.created_at,
        HumanTask.due_at,
        HumanTask.priority,
        HumanTask.assignee,
    )
    statement = _with_case(select(*columns).select_from(HumanTask)).where(*where).order_by(*_order(query.sort))
    found = session.execute(statement.limit(query.per_page).offset((query.page - 1) * query.per_page)).all()
    roles = _candidate_roles(session, [r.task_id for r in found])
    today = office_today(ctx.clock, ctx.settings)
    return tuple(_row(ctx, r, today, roles.get(r.task_id, ())) for r in found)


def _row(ctx: Ipflow, r: Any, today: date, roles: tuple[str, ...]) -> InboxRow:
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
        candidate_roles=roles,
        created_date=r.created_at.astimezone(ctx.office_zone).date(),
        due_date=due_date,
    )


def _due_class(days_left: int | None) -> str:
    if days_left is None:
        return "none"
    if days_left < 0:
        return "overdue"
    return "soon" if days_left <= SOON_DAYS else "later"


def _candidate_roles(session: Session, task_ids: list[str]) -> dict[str, tuple[str, ...]]:
    if not task_ids:
        return {}
    roles: dict[str, tuple[str, ...]] = {}
    rows = session.execute(
        select(TaskCandidateRole.task_id, TaskCandidateRole.role)
        .where(TaskCandidateRole.task_id.in_(task_ids))
        .order_by(TaskCandidateRole.task_id, TaskCandidateRole.role)
    )
    for task_id, role in rows:
        roles[task_id] = (*roles.get(task_id, ()), role)
    return roles


def _task_choices(session: Session, tab: str, username: str, roles: frozenset[str]) -> tuple[TaskChoice, ...]:
    """The kinds of task (element id, name) the tab holds, by name, for the task filter."""
    if tab == "mine":  # a person's own tasks are few: read them
        statement = select(HumanTask.element_id, HumanTask.name).where(*_tab(tab, username, roles)).distinct()
    else:
        # Skip scan over (status, element_id): one index probe per kind of open task, however many.
        kinds = select(func.min(HumanTask.element_id).label("element_id")).where(HumanTask.status == TaskStatus.OPEN)
        kinds = kinds.cte("kinds", recursive=True)
        later = aliased(HumanTask)
        step = select(func.min(later.element_id)).where(later.status == TaskStatus.OPEN, later.element_id > kinds.c.element_id)
        kinds = kinds.union_all(select(step.scalar_subquery()).where(kinds.c.element_id.is_not(None)))
        sample = aliased(HumanTask)  # min(id): the first entry of the kind in the same index
        one_of_kind = (
            select(func.min(sample.id)).where(sample.status == TaskStatus.OPEN, sample.element_id == kinds.c.element_id)
        ).scalar_subquery()
        statement = select(HumanTask.element_id, HumanTask.name).select_from(kinds).join(HumanTask, HumanTask.id == one_of_kind)
        if tab == "groups":
            statement = statement.where(_offered_to(roles))
    choices: dict[str, TaskChoice] = {}
    for element_id, name in session.execute(statement.order_by(HumanTask.name, HumanTask.element_id)):
        choices.setdefault(element_id, TaskChoice(element_id, name))
    return tuple(choices.values())
