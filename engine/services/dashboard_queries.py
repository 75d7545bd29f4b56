"""The dashboard's SQL: each figure is one or two GROUP BY queries over indexed columns; no case
leaves the database, only counts, sums and the percentile rows the database picked.

`Scope` carries what every query filters on. Moments (completed_at) are compared with the UTC
midnights that bound the range, so a day is a UTC day, as dashboard_sql.utc_day counts it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from engine.db.models import (
    Case,
    Deadline,
    HumanTask,
    InstanceStatus,
    ProcessInstance,
    RegisterEntry,
    TaskStatus,
    User,
)
from engine.services.dashboard_figures import (
    AGE_LIMITS,
    BacklogRow,
    DeadlineCount,
    DueShare,
    ExaminerLoad,
    Pendency,
    WeekFlow,
)
from engine.services.dashboard_sql import days_between, hours_between, nearest_rank, utc_day, week_start

ENDED = (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED)
SOON_DAYS = 14


@dataclass(frozen=True)
class Scope:
    date_from: date
    date_to: date
    right_type: str | None
    today: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.date_from, time(0), timezone.utc)

    @property
    def end(self) -> datetime:  # exclusive
        return datetime.combine(self.date_to + timedelta(days=1), time(0), timezone.utc)

    def of_type(self, column=Case.right_type):
        return column == self.right_type if self.right_type else literal(True)


def as_date(value) -> date:
    """A date a query computed: SQLite returns it as ISO text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def backlog(session: Session, scope: Scope) -> tuple[BacklogRow, ...]:
    """Open cases (no register entry, instance not ended) by status and age since filing."""
    bucket = case(
        *[(Case.filing_date >= scope.today - timedelta(days=d), i) for i, d in enumerate(AGE_LIMITS)], else_=len(AGE_LIMITS)
    )
    open_cases = (
        select(Case.status.label("stage"), bucket.label("bucket"))
        .outerjoin(RegisterEntry, RegisterEntry.case_id == Case.id)
        .outerjoin(ProcessInstance, ProcessInstance.id == Case.instance_id)
        .where(RegisterEntry.id.is_(None), or_(ProcessInstance.id.is_(None), ProcessInstance.status.not_in(ENDED)))
        .where(scope.of_type())
        .subquery()
    )
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * (len(AGE_LIMITS) + 1))
    for stage, index, n in session.execute(
        select(open_cases.c.stage, open_cases.c.bucket, func.count()).group_by(open_cases.c.stage, open_cases.c.bucket)
    ):
        counts[stage][index] = n
    return tuple(BacklogRow(stage, tuple(c), sum(c)) for stage, c in sorted(counts.items()))


def flow(session: Session, scope: Scope) -> tuple[WeekFlow, ...]:
    """Per ISO week of the range: cases filed, registered, and ended otherwise."""
    filed = select(week_start(Case.filing_date).label("week"), literal("filed").label("what")).where(
        Case.filing_date.between(scope.date_from, scope.date_to), scope.of_type()
    )
    registered = (
        select(week_start(RegisterEntry.registered_on).label("week"), literal("registered").label("what"))
        .join(Case, Case.id == RegisterEntry.case_id)
        .where(RegisterEntry.registered_on.between(scope.date_from, scope.date_to), scope.of_type())
    )
    closed = _ended_otherwise(scope).with_only_columns(
        week_start(utc_day(ProcessInstance.completed_at)).label("week"), literal("closed").label("what")
    )
    events = union_all(filed, registered, closed).subquery("events")
    found: dict[tuple[date, str], int] = {
        (as_date(week), what): n
        for week, what, n in session.execute(
            select(events.c.week, events.c.what, func.count()).group_by(events.c.week, events.c.what)
        )
    }
    first = scope.date_from - timedelta(days=scope.date_from.weekday())
    weeks = [first + timedelta(weeks=i) for i in range((scope.date_to - first).days // 7 + 1)]
    return tuple(
        WeekFlow(w, found.get((w, "filed"), 0), found.get((w, "registered"), 0), found.get((w, "closed"), 0)) for w in weeks
    )


def _ended_otherwise(scope: Scope):
    """Cases whose instance ended in the range without a register entry (refused, withdrawn, ...).
    Starts from the instances that ended in the range (ix_process_instances_status_completed)."""
    return (
        select(Case.id)
        .select_from(ProcessInstance)
        .join(Case, Case.instance_id == ProcessInstance.id)
        .where(
            ProcessInstance.status.in_(ENDED),
            ProcessInstance.completed_at >= scope.start,
            ProcessInstance.completed_at < scope.end,
            ~exists().where(RegisterEntry.case_id == Case.id),
            scope.of_type(),
        )
    )


def pendency(session: Session, scope: Scope) -> tuple[Pendency, ...]:
    """Median and 90th percentile of days from filing to first action and to final decision."""
    # Instances whose first step done by a person fell in the range: one done in it, none before it.
    earlier = aliased(HumanTask)
    first_done = (
        select(HumanTask.instance_id, func.min(HumanTask.completed_at).label("first_at"))
        .where(*_completed_in(scope))
        .where(
            ~exists().where(
                earlier.instance_id == HumanTask.instance_id,
                earlier.status == TaskStatus.COMPLETED,
                earlier.completed_by.is_not(None),
                earlier.completed_at < scope.start,
            )
        )
        .group_by(HumanTask.instance_id)
        .subquery("first_done")
    )
    first_action = (
        select(Case.right_type.label("grp"), days_between(utc_day(first_done.c.first_at), Case.filing_date).label("value"))
        .join(first_done, first_done.c.instance_id == Case.instance_id)
        .where(scope.of_type())
    )
    registered = (
        select(Case.right_type.label("grp"), days_between(RegisterEntry.registered_on, Case.filing_date).label("value"))
        .join(Case, Case.id == RegisterEntry.case_id)
        .where(RegisterEntry.registered_on.between(scope.date_from, scope.date_to), scope.of_type())
    )
    closed = _ended_otherwise(scope).with_only_columns(
        Case.right_type.label("grp"), days_between(utc_day(ProcessInstance.completed_at), Case.filing_date).label("value")
    )
    decision = union_all(registered, closed)
    firsts = {grp: (n, p50, p90) for grp, n, p50, p90 in session.execute(nearest_rank(first_action, (50, 90)))}
    decided = {grp: (n, p50, p90) for grp, n, p50, p90 in session.execute(nearest_rank(select(decision.subquery()), (50, 90)))}
    none = (0, None, None)
    return tuple(Pendency(str(rt), *firsts.get(rt, none), *decided.get(rt, none)) for rt in sorted(set(firsts) | set(decided)))


def due_share(session: Session, scope: Scope) -> tuple[DueShare, ...]:
    """Human steps completed by a person in the range, and how many of those were on time."""
    rows = session.execute(
        select(
            Case.right_type,
            func.count(),
            func.count(HumanTask.due_at),
            func.count().filter(HumanTask.completed_at <= HumanTask.due_at),
        )
        .join(Case, Case.instance_id == HumanTask.instance_id)
        .where(*_completed_in(scope), scope.of_type())
        .group_by(Case.right_type)
        .order_by(Case.right_type)
    )
    return tuple(DueShare(str(rt), n, with_due, on_time) for rt, n, with_due, on_time in rows)


def _completed_in(scope: Scope) -> tuple:
    return (
        HumanTask.status == TaskStatus.COMPLETED,
        HumanTask.completed_at >= scope.start,
        HumanTask.completed_at < scope.end,
        HumanTask.completed_by.is_not(None),
    )


def deadlines(session: Session, scope: Scope) -> tuple[DeadlineCount, ...]:
    """Open time limits already past (overdue) or due within the next 14 days, by kind."""
    query = (
        select(
            Deadline.kind,
            func.count().filter(Deadline.due_date < scope.today),
            func.count().filter(Deadline.due_date >= scope.today),
        )
        .where(Deadline.status == "open", Deadline.due_date <= scope.today + timedelta(days=SOON_DAYS))
        .group_by(Deadline.kind)
        .order_by(Deadline.kind)
    )
    if scope.right_type:
        query = query.join(Case, Case.id == Deadline.case_id).where(scope.of_type())
    return tuple(DeadlineCount(kind, overdue, soon) for kind, overdue, soon in session.execute(query))


def workload(session: Session, scope: Scope) -> tuple[ExaminerLoad, ...]:
    """Per person: open tasks assigned to them, tasks they completed in the range and the median
    hours from a task's creation to its completion."""
    open_query = (
        select(HumanTask.assignee, func.count())
        .where(HumanTask.status == TaskStatus.OPEN, HumanTask.assignee.is_not(None))
        .group_by(HumanTask.assignee)
    )
    handled = select(
        HumanTask.completed_by.label("grp"), hours_between(HumanTask.completed_at, HumanTask.created_at).label("value")
    ).where(*_completed_in(scope))
    if scope.right_type:
        open_query = open_query.join(Case, Case.instance_id == HumanTask.instance_id).where(scope.of_type())
        handled = handled.join(Case, Case.instance_id == HumanTask.instance_id).where(scope.of_type())
    assigned = dict(session.execute(open_query).all())
    done = {who: (n, p50) for who, n, p50 in session.execute(nearest_rank(handled, (50,)))}
    people = sorted(set(assigned) | set(done))
    names = dict(session.execute(select(User.username, User.name).where(User.username.in_(people))).all()) if people else {}
    return tuple(
        ExaminerLoad(
            who,
            names.get(who, who),
            assigned.get(who, 0),
            done.get(who, (0, None))[0],
            None if done.get(who, (0, None))[1] is None else round(done[who][1], 1),
        )
        for who in people
    )
