"""The instance monitor's read side: one page of process instances, filtered in SQL, and the
heatmap of a process version (how many live instances wait at each step).

Where an instance is now comes from the rows that mirror its wait state (open human tasks, open
timer and service jobs, message subscriptions), never from deserializing workflows. Counting stops
at COUNT_LIMIT, as in the inbox: "500+" tells a manager as much as an exact scan would.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import ColumnElement, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import (
    Case,
    DefinitionVersion,
    HumanTask,
    InstanceStatus,
    Job,
    JobStatus,
    MessageSubscription,
    ProcessInstance,
    TaskStatus,
)
from engine.runtime.elements import element_names
from engine.services.inbox import COUNT_LIMIT
from engine.services.library import specs_for
from engine.services.monitor_query import ACTIVE, MonitorQuery
from engine.services.paging import page_count, page_of
from engine.services.version_files import diagram_file, find_version

LIVE = (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED, InstanceStatus.ERROR)
OPEN_JOBS = (JobStatus.PENDING, JobStatus.RUNNING, JobStatus.INCIDENT)


@dataclass(frozen=True)
class MonitorRow:
    id: int
    process_id: str
    version: int
    business_key: str | None
    case_id: int | None
    status: str
    created_at: datetime
    updated_at: datetime
    current: tuple[tuple[str, str], ...]  # (element id, name) the instance is at now
    incidents: int


@dataclass(frozen=True)
class MonitorPage:
    query: MonitorQuery
    rows: tuple[MonitorRow, ...]
    total: int
    capped: bool  # more than `total` match
    page: int
    pages: int
    versions: dict[str, tuple[int, ...]]  # process id -> its deployed versions, for the filters


@dataclass(frozen=True)
class Heatmap:
    process_id: str
    version: int
    xml: str
    counts: dict[str, int]  # element id -> live instances waiting there
    names: dict[str, str]
    versions: tuple[int, ...]


def where_now():
    """(instance id, element id) of every place a live instance waits: one row per open task, job, subscription."""
    return union_all(
        select(HumanTask.instance_id, HumanTask.element_id).where(HumanTask.status == TaskStatus.OPEN),
        select(Job.instance_id, Job.element_id).where(Job.status.in_(OPEN_JOBS), Job.element_id.is_not(None)),
        select(MessageSubscription.instance_id, MessageSubscription.element_id),
    ).subquery("now")


def monitor_page(ctx: Ipflow, query: MonitorQuery) -> MonitorPage:
    with ctx.db.reading() as session:
        where = _filters(ctx, query)
        statement = (
            select(ProcessInstance, DefinitionVersion.version, Case.id)
            .join(DefinitionVersion, DefinitionVersion.id == ProcessInstance.definition_version_id)
            .outerjoin(Case, Case.instance_id == ProcessInstance.id)
            .where(*where)
            .order_by(ProcessInstance.id.desc())
        )
        found = session.execute(page_of(statement, query.page, query.per_page)).all()
        limit = max(COUNT_LIMIT, query.page * query.per_page)
        if len(found) < query.per_page and (found or query.page == 1):
            total = (query.page - 1) * query.per_page + len(found)  # a page that is not full is the last
        else:
            counted = (
                select(literal(1))
                .select_from(ProcessInstance)
                .join(DefinitionVersion, DefinitionVersion.id == ProcessInstance.definition_version_id)
            )
            total = session.scalar(select(func.count()).select_from(counted.where(*where).limit(limit + 1).subquery()))
        rows = _rows(ctx, session, found)
        return MonitorPage(query, rows, min(total, limit), total > limit, query.page, page_count(min(total, limit), query.per_page),
                           _versions(session))  # fmt: skip


def _filters(ctx: Ipflow, query: MonitorQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.process:
        where.append(ProcessInstance.process_id == query.process)
    if query.version is not None:
        where.append(DefinitionVersion.version == query.version)
    if query.status == ACTIVE:
        where.append(ProcessInstance.status.in_(LIVE))
    elif query.status:
        where.append(ProcessInstance.status == query.status)
    if query.activity:
        now = where_now()
        where.append(ProcessInstance.id.in_(select(now.c.instance_id).where(now.c.element_id == query.activity)))
    if query.incident:
        where.append(ProcessInstance.id.in_(select(Job.instance_id).where(Job.status == JobStatus.INCIDENT)))
    if query.started_from:
        where.append(ProcessInstance.created_at >= _midnight(ctx, query.started_from))
    if query.started_before:
        where.append(ProcessInstance.created_at < _midnight(ctx, query.started_before))
    if query.case:
        numbered = select(Case.instance_id).where(Case.application_number == query.case)
        where.append(or_(ProcessInstance.business_key == query.case, ProcessInstance.id.in_(numbered)))
    return where


def _midnight(ctx: Ipflow, day: date) -> datetime:
    return datetime.combine(day, time(0), ctx.office_zone)


def _rows(ctx: Ipflow, session: Session, found) -> tuple[MonitorRow, ...]:
    """The page's rows with where each instance is now and its incidents: two queries for the page."""
    ids = [instance.id for instance, _, _ in found]
    if not ids:
        return ()
    now = where_now()
    current: dict[int, set[str]] = defaultdict(set)
    for instance_id, element_id in session.execute(select(now.c.instance_id, now.c.element_id).where(now.c.instance_id.in_(ids))):
        current[instance_id].add(element_id)
    incidents = dict(
        session.execute(
            select(Job.instance_id, func.count())
            .where(Job.instance_id.in_(ids), Job.status == JobStatus.INCIDENT)
            .group_by(Job.instance_id)
        ).all()
    )
    names: dict[int, dict[str, str]] = {}
    rows = []
    for instance, version, case_id in found:
        if instance.definition_version_id not in names:
            names[instance.definition_version_id] = element_names(
                specs_for(ctx, session.get(DefinitionVersion, instance.definition_version_id))
            )
        named = names[instance.definition_version_id]
        rows.append(MonitorRow(instance.id, instance.process_id, version, instance.business_key, case_id, str(instance.status),
                               instance.created_at, instance.updated_at,
                               tuple((e, named.get(e, e)) for e in sorted(current[instance.id])), incidents.get(instance.id, 0)))  # fmt: skip
    return tuple(rows)


def _versions(session: Session) -> dict[str, tuple[int, ...]]:
    found: dict[str, list[int]] = defaultdict(list)
    for process_id, version in session.execute(
        select(DefinitionVersion.process_id, DefinitionVersion.version).order_by(
            DefinitionVersion.process_id, DefinitionVersion.version
        )
    ):
        found[process_id].append(version)
    return {p: tuple(v) for p, v in found.items()}


def heatmap(ctx: Ipflow, process_id: str, version: int | None = None) -> Heatmap:
    """The diagram of a version (the newest when none is given) with, per step, how many live
    instances of that version wait there: one GROUP BY over the wait-state rows."""
    with ctx.db.reading() as session:
        versions = tuple(
            session.scalars(
                select(DefinitionVersion.version)
                .where(DefinitionVersion.process_id == process_id)
                .order_by(DefinitionVersion.version)
            )
        )
        row = find_version(session, process_id, version if version is not None else (versions[-1] if versions else 1))
        xml = diagram_file(session, row, process_id)[1]
        now = where_now()
        counts = session.execute(
            select(now.c.element_id, func.count(func.distinct(now.c.instance_id)))
            .join(ProcessInstance, ProcessInstance.id == now.c.instance_id)
            .where(ProcessInstance.definition_version_id == row.id, ProcessInstance.status.in_(LIVE))
            .group_by(now.c.element_id)
        ).all()
        return Heatmap(process_id, row.version, xml, {e: int(n) for e, n in counts}, element_names(specs_for(ctx, row)), versions)


__all__ = ["Heatmap", "MonitorPage", "MonitorRow", "heatmap", "monitor_page", "where_now"]
