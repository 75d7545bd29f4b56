"""What the office operators share: the case row, the office's today, and result shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.db.models import Case
from engine.errors import InvalidInput, NotFound
from engine.runtime.operators import OperatorContext


def session_of(ctx: OperatorContext) -> Session:
    return ctx.services["session"]


def ipflow_of(ctx: OperatorContext):
    return ctx.services["ipflow"]


def case_of(ctx: OperatorContext, case_id: Any) -> Case:
    try:
        case = session_of(ctx).get(Case, int(case_id))
    except (TypeError, ValueError):
        raise InvalidInput("the process has no valid case_id", {"case_id": [f"Expected a case number, got {case_id!r}."]}) from None
    if case is None:
        raise NotFound(f"case {case_id} does not exist")
    return case


def office_today(ctx: OperatorContext) -> date:
    """The date at the office now (the office's time zone, the injected clock)."""
    ipflow = ipflow_of(ctx)
    return ctx.services["clock"].now().astimezone(ipflow.office_zone).date()


def as_date(value: Any, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{what} is not a date", {what: [f"Expected an ISO date like 2026-03-02, got {value!r}."]}) from None


def limit_for(limits: Any, kind: str) -> dict:
    """One row of the time-limit decision table (`limit` in the process data) by its kind."""
    for row in limits or []:
        if isinstance(row, dict) and row.get("kind") == kind:
            return row
    known = ", ".join(sorted(r.get("kind", "?") for r in limits or [] if isinstance(r, dict))) or "none"
    raise InvalidInput(
        f"the time-limit table has no row for {kind!r}",
        {"limits": [f"Add a rule for {kind!r} to time_limits.dmn (known: {known})."]},
    )


def touch(ctx: OperatorContext, case: Case, status: str | None = None) -> None:
    if status:
        case.status = status
    case.updated_at = ctx.services["clock"].now()
