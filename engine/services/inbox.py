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

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from engine.container import Ipflow
from engine.db.models import Case, HumanTask, Party, PartyRole, ProcessInstance, TaskStatus, TrademarkDetails, offered_to_any
from engine.errors import PermissionDenied
from engine.services.assignment import MANAGER_ROLE, UserChoice, assignable_users, roles_of
from engine.services.cases import office_today
from engine.services.inbox_query import TABS, InboxQuery
from engine.services.inbox_rows import InboxRow, page_rows, with_case
from engine.services.paging import page_count
from engine.services.saved_filters import SavedFilterView, visible_filters

COUNT_LIMIT = 500  # tab counts and totals stop here ("500+")


# Read models ---------------------------------------------------------------------------------------


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
        rows = page_rows(ctx, session, query, where)
        total, limit = _total(session, query, where, len(rows), counts[query.tab])
        assignees = assignable_users(session, {r for row in rows for r in row.candidate_roles}) if manager and rows else ()
        return InboxPage(
            query=query,
            rows=rows,
            total=min(total, limit),
            counts={tab: min(n, COUNT_LIMIT) for tab, n in counts.items()},
            page=query.page,
            pages=page_count(min(total, limit), query.per_page),
            task_choices=_task_choices(session, query.tab, username, roles),
            saved_filters=visible_filters(session, username, roles),
            tabs=tabs,
            my_roles=tuple(sorted(roles)),
            assignees=assignees,
            capped=frozenset(tab for tab, n in counts.items() if n > COUNT_LIMIT),
            total_capped=total > limit,
        )


def _tab(tab: str, username: str, roles: frozenset[str]) -> list[ColumnElement[bool]]:
    where = [HumanTask.status == TaskStatus.OPEN]
    if tab == "mine":
        where.append(HumanTask.assignee == username)
    elif tab == "groups":
        where += [HumanTask.assignee.is_(None), offered_to_any(roles)]
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


def _up_to(where: list, limit: int, join_case: bool = False):
    """How many tasks match, counting no further than limit + 1 (so "more than limit" shows)."""
    matching = select(literal(1)).select_from(HumanTask)
    if join_case:
        matching = with_case(matching)
    return select(func.count()).select_from(matching.where(*where).limit(limit + 1).subquery()).scalar_subquery()


def _total(session: Session, query: InboxQuery, where: list, shown: int, tab_count: int) -> tuple[int, int]:
    """The tab's total with the filters, up to (limit + 1), and the limit: past the page asked
    for, so that a deep page still knows whether another follows."""
    limit = max(COUNT_LIMIT, query.page * query.per_page)
    if 0 < shown < query.per_page or (query.page == 1 and not shown):
        return (query.page - 1) * query.per_page + shown, limit  # a page that is not full is the last
    if not query.filtered and limit == COUNT_LIMIT:
        return tab_count, limit  # counted with the tabs already
    return session.scalar(select(_up_to(where, limit, join_case=bool(query.right_type)))), limit


def _counts(session: Session, tabs: dict[str, list]) -> dict[str, int]:
    """Each tab's open tasks up to COUNT_LIMIT + 1, in one statement."""
    counted = session.execute(select(*(_up_to(where, COUNT_LIMIT).label(tab) for tab, where in tabs.items()))).one()
    return dict(zip(tabs, counted, strict=True))


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
            statement = statement.where(offered_to_any(roles))
    choices: dict[str, TaskChoice] = {}
    for element_id, name in session.execute(statement.order_by(HumanTask.name, HumanTask.element_id)):
        choices.setdefault(element_id, TaskChoice(element_id, name))
    return tuple(choices.values())
