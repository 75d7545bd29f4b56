"""Read side for integrators: an application found by its number, its status (the case summary)
and its history a page at a time.

Numbers are matched the way case search matches them (spaces, separators and case ignored). A
string that cannot be an application number is simply not found: it never reaches the database."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from engine.container import Ipflow
from engine.db.models import AuditEvent, Case, DefinitionVersion, ProcessInstance
from engine.errors import NotFound
from engine.runtime.elements import element_names
from engine.services.case_file import KIND_LABELS, HistoryItem
from engine.services.case_search import find_case_by_number
from engine.services.cases import CaseSummary, case_summary
from engine.services.library import specs_for

_NUMBER = re.compile(r"[0-9A-Za-z ./-]{1,64}\Z")
ENGINE_ACTORS = ("engine", "system")
MAX_OFFSET = 1_000_000


@dataclass(frozen=True)
class HistoryPage:
    items: tuple[HistoryItem, ...]  # oldest first
    total: int
    limit: int
    offset: int


def case_id_for_number(ctx: Ipflow, number: str) -> int:
    """The case numbered `number`; NotFound naming the number otherwise."""
    case_id = find_case_by_number(ctx, number) if _NUMBER.match(number or "") else None
    if case_id is None:
        raise NotFound(f"no application is numbered {number!r}; use the application_number the filing answered with")
    return case_id


def application_status(ctx: Ipflow, number: str) -> CaseSummary:
    """Status, parties, classes, fees, payments, open time limits, publication and register entry."""
    case_id = case_id_for_number(ctx, number)
    with ctx.db.reading() as session:
        return case_summary(session, case_id)


def application_history(ctx: Ipflow, number: str, limit: int, offset: int) -> HistoryPage:
    """What people and the engine did on the application, oldest first, `limit` items from `offset`."""
    case_id = case_id_for_number(ctx, number)
    offset = min(max(offset, 0), MAX_OFFSET)
    with ctx.db.reading() as session:
        instance_id = session.scalar(select(Case.instance_id).where(Case.id == case_id))
        instance = session.get(ProcessInstance, instance_id) if instance_id else None
        if instance is None:
            return HistoryPage((), 0, limit, offset)
        names = element_names(specs_for(ctx, session.get(DefinitionVersion, instance.definition_version_id)))
        mine = AuditEvent.instance_id == instance.id
        total = session.scalar(select(func.count(AuditEvent.id)).where(mine)) or 0
        events = session.scalars(
            select(AuditEvent).where(mine).order_by(AuditEvent.at, AuditEvent.id).limit(limit).offset(offset)
        )
        items = tuple(
            HistoryItem(
                e.at,
                e.kind,
                KIND_LABELS.get(e.kind, e.kind.replace("_", " ").capitalize()),
                e.actor,
                e.element_id,
                names.get(e.element_id) if e.element_id else None,
                e.data,
                e.actor not in ENGINE_ACTORS,
            )
            for e in events
        )
        return HistoryPage(items, total, limit, offset)
