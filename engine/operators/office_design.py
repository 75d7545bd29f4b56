"""Operators only the design process needs (the shared ones live in office_register, office_fees,
office_deadlines and office_letters).

- `open_deferment`: the time limit to which publication of a registered design is deferred.
- `check_max_term`: whether the registration may be renewed once more (5-year terms up to 25).
"""

from __future__ import annotations

from datetime import date

from engine.db.models import Case, Deadline
from engine.domain.time_limits import Period, add_period, deadline_moment
from engine.errors import Conflict
from engine.operators.office_deadlines import open_deadline
from engine.operators.office_register import register_entry
from engine.operators.office_support import case_of, ipflow_of, limit_for, session_of
from engine.runtime.operators import OperatorContext, OperatorRegistry

registry = OperatorRegistry()


@registry.operator("open_deferment")
def open_deferment(ctx: OperatorContext, case_id, limits) -> dict:
    """Open the 'deferment' time limit: publication waits until the day the applicant asked for,
    at most the 'deferment' period from the earliest priority date (the filing date without one).
    A day the office is closed moves to the next working day, as for every time limit."""
    case = case_of(ctx, case_id)
    if case.design is None or not case.design.deferment_requested:
        raise Conflict(f"{case.application_number} has no request to defer publication")
    opened = open_deadline(ctx, case.id, "deferment", limits, event_date=deferment_start(case))
    requested = case.design.deferred_until
    if requested is None:
        return {**opened, "requested_until": None, "capped": False}
    wanted = ipflow_of(ctx).calendar.next_working_day(requested)
    longest = date.fromisoformat(opened["due_date"])
    if wanted < longest:
        deadline = session_of(ctx).get(Deadline, opened["deadline_id"])
        deadline.due_date = wanted
        tz = ipflow_of(ctx).settings.office_timezone
        opened = {**opened, "due_date": wanted.isoformat(), "fires_at": deadline_moment(wanted, tz).isoformat()}
    return {**opened, "requested_until": requested.isoformat(), "capped": wanted > longest}


def deferment_start(case: Case) -> str:
    """The day the longest deferment counts from: the earliest priority date, else the filing date."""
    return min([c.priority_date for c in case.priority_claims] + [case.filing_date]).isoformat()


@registry.operator("check_max_term")
def check_max_term(ctx: OperatorContext, case_id, limits) -> dict:
    """Whether the registration may be renewed once more: one more 'term' from the current expiry
    must not run past 'max_term' from the start of protection (renew_right refuses it otherwise).
    `expires_at` is when the current term ends, for the timer that waits for it."""
    entry = register_entry(session_of(ctx), case_of(ctx, case_id))
    term = Period.parse(limit_for(limits, "term")["period"])
    longest = add_period(entry.term_start, Period.parse(limit_for(limits, "max_term")["period"]))
    return {
        "renewable": add_period(entry.expiry_date, term) <= longest,
        "expiry_date": entry.expiry_date.isoformat(),
        "max_expiry": longest.isoformat(),
        "expires_at": deadline_moment(entry.expiry_date, ipflow_of(ctx).settings.office_timezone).isoformat(),
    }
