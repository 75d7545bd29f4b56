"""The audit log for managers: every audited event (people's actions, the engine's steps, moves,
operations), searchable by case, person, activity and date, a page at a time, and as CSV.

A page costs two queries (a capped count and the rows); the CSV streams in id order in chunks, so
an export of a year holds one chunk in memory at a time. Dates are office days: `date_to`
includes the whole day in the office's time zone."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from engine.container import Ipflow
from engine.db.models import AuditEvent, Case, ProcessInstance
from engine.errors import InvalidInput
from engine.services.case_file import KIND_LABELS
from engine.services.case_query import normalise_number
from engine.services.case_search import comparable_number
from engine.services.paging import page_count, page_of

PER_PAGE = 50
COUNT_LIMIT = 10_000  # beyond this a page says "10000+": an exact count of years of events costs seconds
CSV_LIMIT = 200_000  # rows in one export; narrow the filters for more
CSV_CHUNK = 2_000


@dataclass(frozen=True)
class AuditQuery:
    case_number: str = ""
    actor: str = ""
    kind: str = ""
    element_id: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> AuditQuery:
        """From a query string; every bad value is named with what to write instead."""
        errors: dict[str, list[str]] = {}

        def day(name: str) -> date | None:
            value = (args.get(name) or "").strip()
            if not value:
                return None
            try:
                return date.fromisoformat(value)
            except ValueError:
                errors[name] = ["Write the date as YYYY-MM-DD, e.g. 2026-03-02."]
                return None

        page_text = (args.get("page") or "1").strip()
        page = int(page_text) if page_text.isdigit() and 0 < int(page_text) < 100_000 else 0
        if not page:
            errors["page"] = ["The page is a whole number from 1."]
        query = cls(
            case_number=(args.get("case") or "").strip()[:64],
            actor=(args.get("actor") or "").strip()[:64],
            kind=(args.get("kind") or "").strip()[:32],
            element_id=(args.get("element") or "").strip()[:255],
            date_from=day("from"),
            date_to=day("to"),
            page=page or 1,
        )
        if query.date_from and query.date_to and query.date_from > query.date_to:
            errors["to"] = ["The end date comes before the start date."]
        if errors:
            raise InvalidInput("some filters are wrong", errors)
        return query

    def args(self, **changes: Any) -> dict[str, str]:
        """The query string of this query (for links to other pages and the CSV)."""
        q = replace(self, **changes)
        values = {"case": q.case_number, "actor": q.actor, "kind": q.kind, "element": q.element_id,
                  "from": q.date_from.isoformat() if q.date_from else "", "to": q.date_to.isoformat() if q.date_to else "",
                  "page": str(q.page) if q.page > 1 else ""}  # fmt: skip
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    kind: str
    label: str
    actor: str
    case_number: str | None
    case_id: int | None
    element_id: str | None
    details: str  # the event's data, compact


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    total: int
    capped: bool  # more than COUNT_LIMIT rows match
    page: int
    pages: int
    query: AuditQuery
    kinds: tuple[tuple[str, str], ...]  # (kind, label) for the activity choice


def audit_page(ctx: Ipflow, query: AuditQuery) -> AuditPage:
    with ctx.db.reading() as session:
        filtered = _filtered(ctx, select(AuditEvent.id), query)
        total = session.scalar(select(func.count()).select_from(filtered.limit(COUNT_LIMIT + 1).subquery())) or 0
        rows = session.execute(page_of(_rows(ctx, query), query.page, PER_PAGE)).all()
        kinds = sorted(set(session.scalars(select(AuditEvent.kind).distinct())) | set(KIND_LABELS))
    capped = total > COUNT_LIMIT
    return AuditPage(
        rows=tuple(_row(r) for r in rows), total=min(total, COUNT_LIMIT), capped=capped, page=query.page,
        pages=page_count(min(total, COUNT_LIMIT), PER_PAGE), query=query, kinds=tuple((k, label_of(k)) for k in kinds),
    )  # fmt: skip


def audit_rows(ctx: Ipflow, query: AuditQuery) -> Iterator[AuditRow]:
    """Every matching event, oldest first, for the CSV export (at most CSV_LIMIT rows)."""
    after, sent = 0, 0
    while sent < CSV_LIMIT:
        with ctx.db.reading() as session:
            chunk = session.execute(_rows(ctx, query, oldest_first=True).where(AuditEvent.id > after).limit(CSV_CHUNK)).all()
        if not chunk:
            return
        for row in chunk[: CSV_LIMIT - sent]:
            yield _row(row)
        sent += len(chunk)
        after = chunk[-1].id


def label_of(kind: str) -> str:
    return KIND_LABELS.get(kind) or kind.replace("_", " ").capitalize()


def _rows(ctx: Ipflow, query: AuditQuery, oldest_first: bool = False) -> Select:
    statement = select(AuditEvent.id, AuditEvent.at, AuditEvent.kind, AuditEvent.actor, AuditEvent.element_id,
                       AuditEvent.data, ProcessInstance.business_key, Case.id.label("case_id"))  # fmt: skip
    statement = _filtered(ctx, statement, query)
    order = (AuditEvent.id,) if oldest_first else (AuditEvent.at.desc(), AuditEvent.id.desc())
    return statement.order_by(*order)


def _filtered(ctx: Ipflow, statement: Select, query: AuditQuery) -> Select:
    statement = statement.outerjoin(ProcessInstance, ProcessInstance.id == AuditEvent.instance_id).outerjoin(
        Case, Case.instance_id == AuditEvent.instance_id
    )
    if query.case_number:
        statement = statement.where(ProcessInstance.business_key.in_(_numbers_like(query.case_number)))
    if query.actor:
        statement = statement.where(AuditEvent.actor == query.actor)
    if query.kind:
        statement = statement.where(AuditEvent.kind == query.kind)
    if query.element_id:
        statement = statement.where(AuditEvent.element_id == query.element_id)
    zone = ctx.office_zone
    if query.date_from:
        statement = statement.where(AuditEvent.at >= datetime.combine(query.date_from, time(), zone))
    if query.date_to:
        statement = statement.where(AuditEvent.at < datetime.combine(query.date_to + timedelta(days=1), time(), zone))
    return statement


def _numbers_like(number: str) -> Select:
    """The business keys of the cases whose number reads as `number` (spaces, dashes, slashes, case ignored)."""
    return select(Case.application_number).where(comparable_number() == normalise_number(number))


def _row(r) -> AuditRow:
    details = ", ".join(f"{k}: {_short(v)}" for k, v in sorted((r.data or {}).items())) if isinstance(r.data, dict) else ""
    return AuditRow(r.id, r.at, r.kind, label_of(r.kind), r.actor, r.business_key, r.case_id, r.element_id, details)


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 120 else text[:117] + "…"
