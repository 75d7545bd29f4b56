"""Operators only the patent process needs (the shared ones live in office_register, office_fees,
office_deadlines and office_letters).

Annuities (DOMAIN.md, "Patent" 9): year N falls due on the last day of the month in which the
(N-1)th anniversary of the filing date falls, moved to the next working day when the office is
closed that day. The first year, the last year (the term) and the reminder come from
time_limits.dmn ('annuity_start', 'term', 'annuity_reminder'); the grace period and its surcharge
stay in the diagram's decision tables.
"""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from sqlalchemy import select

from engine.db.models import Case, Deadline, RegisterEntry
from engine.domain.time_limits import Period, add_period, deadline_moment
from engine.errors import Conflict, InvalidInput
from engine.operators.office_register import months_before, register_entry
from engine.operators.office_support import case_of, ipflow_of, limit_for, office_today, session_of
from engine.runtime.operators import OperatorContext, OperatorRegistry

registry = OperatorRegistry()

ANNUITY = "annuity"


@registry.operator("schedule_annuity")
def schedule_annuity(ctx: OperatorContext, case_id, limits) -> dict:
    """Open the time limit for the next annuity year of a granted patent and say when to remind.

    Returns {deadline_id, annuity_year, last_year, anniversary, falls_due_on, due_date, fires_at,
    reminder_at, term_ends_at}. `falls_due_on` is the last day of the anniversary month (a grace
    period counts from it); `due_date` is that day moved off a closed day, the limit's last day.
    A year already overdue when it is scheduled (a grant after its anniversary month) falls due
    at the end of the month it is scheduled in. An annuity limit still open is returned as it
    is, so a retried step opens no second one.
    """
    case = case_of(ctx, case_id)
    session = session_of(ctx)
    entry = _in_force_entry(session, case)
    first_year = _whole_years(limits, "annuity_start") + 1
    last_year = _whole_years(limits, "term")
    annuities = list(
        session.scalars(
            select(Deadline)
            .where(Deadline.case_id == case.id, Deadline.kind == ANNUITY, Deadline.status != "cancelled")
            .order_by(Deadline.id)
        )
    )
    deadline = next((d for d in annuities if d.status == "open"), None)
    if deadline is None:
        year = max((annuity_year(case.filing_date, d.event_date) for d in annuities), default=first_year - 1) + 1
        if year > last_year:
            raise Conflict(
                f"{case.application_number}: year {last_year} was the last annuity; the term ends on {entry.expiry_date}"
            )
        anniversary = add_period(case.filing_date, Period(years=year - 1))
        falls_due = max(month_end(anniversary), month_end(office_today(ctx)))
        deadline = Deadline(
            case_id=case.id,
            kind=ANNUITY,
            legal_kind="statutory",
            event_date=anniversary,
            due_date=ipflow_of(ctx).calendar.next_working_day(falls_due),
            status="open",
            extensions=0,
        )
        session.add(deadline)
        session.flush()
    return _annuity(ctx, case, entry, deadline, limits, last_year)


def annuity_year(filing_date: date, anniversary: date) -> int:
    """The patent year an annuity is for, from the anniversary it counts from (year 3: the 2nd)."""
    return anniversary.year - filing_date.year + 1


def month_end(day: date) -> date:
    return date(day.year, day.month, month_calendar.monthrange(day.year, day.month)[1])


def _legal_due(deadline: Deadline) -> date:
    """The month's end a due date was moved from: moving off closed days only crosses into the next month."""
    due = deadline.due_date
    return due if due == month_end(due) else due.replace(day=1) - timedelta(days=1)


def _annuity(ctx: OperatorContext, case: Case, entry: RegisterEntry, deadline: Deadline, limits, last_year: int) -> dict:
    ipflow = ipflow_of(ctx)
    tz = ipflow.settings.office_timezone
    falls_due = _legal_due(deadline)
    reminder = Period.parse(limit_for(limits, "annuity_reminder")["period"])
    remind_on = max(months_before(falls_due, reminder), office_today(ctx))
    return {
        "deadline_id": deadline.id,
        "annuity_year": annuity_year(case.filing_date, deadline.event_date),
        "last_year": last_year,
        "anniversary": deadline.event_date.isoformat(),
        "falls_due_on": falls_due.isoformat(),
        "due_date": deadline.due_date.isoformat(),
        "fires_at": deadline_moment(deadline.due_date, tz).isoformat(),
        "reminder_at": _start_of(remind_on, ipflow.office_zone).isoformat(),
        "term_ends_at": deadline_moment(entry.expiry_date, tz).isoformat(),
    }


def _start_of(day: date, zone: tzinfo) -> datetime:
    """The UTC instant a day begins at the office."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc)


def _whole_years(limits, kind: str) -> int:
    """A time-limit row that must be whole years (annuities are counted per year), in years."""
    period = Period.parse(limit_for(limits, kind)["period"])
    if period.days or period.total_months % 12:
        raise InvalidInput(
            f"the {kind!r} time limit must be whole years", {"limits": [f"Write {kind!r} like P2Y or P20Y, not {period}."]}
        )
    return period.total_months // 12



def _in_force_entry(session, case: Case) -> RegisterEntry:
    entry = register_entry(session, case)
    if entry.status != "in_force":
        raise Conflict(f"{case.application_number} is {entry.status}; no annuity falls due on it")
    return entry
