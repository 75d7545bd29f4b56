"""Operators that open, extend and close a case's time limits (periods come from time_limits.dmn)."""

from __future__ import annotations

from engine.db.models import Deadline
from engine.domain.time_limits import Period, compute_limit, deadline_moment
from engine.errors import Conflict, NotFound
from engine.operators.office_support import as_date, case_of, ipflow_of, limit_for, office_today, session_of
from engine.runtime.operators import OperatorContext, OperatorRegistry

registry = OperatorRegistry()

# An office-set limit may be extended this many times on request (DOMAIN.md: "extendable once").
MAX_EXTENSIONS = 1


def _result(ctx: OperatorContext, deadline: Deadline, **extra) -> dict:
    tz = ipflow_of(ctx).settings.office_timezone
    return {
        "deadline_id": deadline.id,
        "kind": deadline.kind,
        "legal_kind": str(deadline.legal_kind),
        "event_date": deadline.event_date.isoformat(),
        "due_date": deadline.due_date.isoformat(),
        "fires_at": deadline_moment(deadline.due_date, tz).isoformat(),
        "extensions": deadline.extensions,
        **extra,
    }


@registry.operator("open_deadline")
def open_deadline(ctx: OperatorContext, case_id, kind: str, limits, event_date=None) -> dict:
    """Open a time limit of `kind` counted from `event_date` (default: today at the office)."""
    case = case_of(ctx, case_id)
    rule = limit_for(limits, kind)
    event = as_date(event_date, "event_date") if event_date else office_today(ctx)
    due = compute_limit(event, Period.parse(rule["period"]), ipflow_of(ctx).calendar)
    deadline = Deadline(case_id=case.id, kind=kind, legal_kind=rule["legal_kind"], event_date=event,
                        due_date=due, status="open", extensions=0)
    session_of(ctx).add(deadline)
    session_of(ctx).flush()
    return _result(ctx, deadline)


@registry.operator("close_deadline")
def close_deadline(ctx: OperatorContext, deadline_id, outcome: str) -> dict:
    """Close a time limit as met or missed (closing an already closed one changes nothing)."""
    if outcome not in ("met", "missed", "cancelled"):
        raise Conflict(f"a time limit closes as met, missed or cancelled, not {outcome!r}")
    deadline = _deadline(ctx, deadline_id)
    if deadline.status == "open":
        deadline.status = outcome
        deadline.closed_at = ctx.services["clock"].now()
    return _result(ctx, deadline)


@registry.operator("extend_deadline")
def extend_deadline(ctx: OperatorContext, deadline_id, limits) -> dict:
    """Extend an office-set limit once by its own period; a statutory or twice-extended one stays."""
    deadline = _deadline(ctx, deadline_id)
    rule = limit_for(limits, deadline.kind)
    if deadline.status != "open" or deadline.legal_kind != "office-set" or deadline.extensions >= MAX_EXTENSIONS:
        reason = "statutory" if deadline.legal_kind != "office-set" else (
            "already extended" if deadline.extensions >= MAX_EXTENSIONS else f"already {deadline.status}")
        return _result(ctx, deadline, extended=False, reason=reason)
    deadline.due_date = compute_limit(deadline.due_date, Period.parse(rule["period"]), ipflow_of(ctx).calendar)
    deadline.extensions += 1
    return _result(ctx, deadline, extended=True, reason="")


def _deadline(ctx: OperatorContext, deadline_id) -> Deadline:
    deadline = session_of(ctx).get(Deadline, int(deadline_id))
    if deadline is None:
        raise NotFound(f"time limit {deadline_id} does not exist")
    return deadline
