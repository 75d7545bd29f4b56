"""Operators that number, publish, register, renew and lapse a case (the register's side)."""

from __future__ import annotations

import calendar as month_calendar
from datetime import date

from sqlalchemy import select

from engine.db.models import Deadline, Publication, RegisterEntry
from engine.domain.time_limits import Period, add_period, deadline_moment
from engine.errors import Conflict
from engine.operators.office_support import case_of, ipflow_of, limit_for, office_today, session_of, touch
from engine.runtime.operators import OperatorContext, OperatorRegistry
from engine.services.numbering import issue_number, issue_registration_number

registry = OperatorRegistry()


@registry.operator("assign_application_number")
def assign_application_number(ctx: OperatorContext, case_id) -> dict:
    """Give the case its ST.13 number (once), key the instance by it, and return the case's facts."""
    case = case_of(ctx, case_id)
    session = session_of(ctx)
    if case.application_number is None:
        case.application_number = issue_number(session, ctx.services["settings"], str(case.right_type), case.filing_date.year)
        touch(ctx, case, "filed")
    instance = ctx.services.get("instance")
    if instance is not None:
        instance.business_key = case.application_number
        case.instance_id = instance.id
    return case_facts(case)


def case_facts(case) -> dict:
    """What decision tables and expressions need to know about a case, as plain JSON values."""
    priorities = [c.priority_date for c in case.priority_claims]
    return {
        "application_number": case.application_number,
        "right_type": str(case.right_type),
        "title": case.title,
        "filing_date": case.filing_date.isoformat(),
        "tariff_date": case.filing_date.isoformat(),
        "earliest_priority_date": min([*priorities, case.filing_date]).isoformat(),
        "priority_count": len(priorities),
        "class_count": len(case.goods_services),
        "claims_total": case.patent.claims_total if case.patent else 0,
        "design_count": len(case.design_items),
        "deferment_requested": bool(case.design and case.design.deferment_requested),
    }


@registry.operator("publish")
def publish(ctx: OperatorContext, case_id, kind: str) -> dict:
    """Publish the case in this week's gazette issue (one publication per kind)."""
    case = case_of(ctx, case_id)
    session = session_of(ctx)
    existing = session.scalar(select(Publication).where(Publication.case_id == case.id, Publication.kind == kind))
    if existing is None:
        today = office_today(ctx)
        year, week, _ = today.isocalendar()
        existing = Publication(case_id=case.id, gazette_number=f"{year}/{week:02d}", published_on=today, kind=kind)
        session.add(existing)
        touch(ctx, case, "published")
        session.flush()
    return {"gazette_number": existing.gazette_number, "published_on": existing.published_on.isoformat(), "kind": kind}


@registry.operator("register_right")
def register_right(ctx: OperatorContext, case_id, limits) -> dict:
    """Enter the right in the register: registration number, term from the filing date."""
    case = case_of(ctx, case_id)
    session = session_of(ctx)
    entry = session.scalar(select(RegisterEntry).where(RegisterEntry.case_id == case.id))
    if entry is None:
        term = Period.parse(limit_for(limits, "term")["period"])
        settings = ctx.services["settings"]
        today = office_today(ctx)
        entry = RegisterEntry(
            case_id=case.id,
            registration_number=issue_registration_number(session, settings, str(case.right_type), today.year),
            registered_on=today,
            term_start=case.filing_date,
            expiry_date=add_period(case.filing_date, term),
            status="in_force",
        )
        session.add(entry)
        touch(ctx, case, "registered")
        session.flush()
    return _entry(entry)


def _entry(entry: RegisterEntry) -> dict:
    return {
        "registration_number": entry.registration_number,
        "registered_on": entry.registered_on.isoformat(),
        "expiry_date": entry.expiry_date.isoformat(),
        "status": str(entry.status),
    }


@registry.operator("schedule_renewal")
def schedule_renewal(ctx: OperatorContext, case_id, limits) -> dict:
    """Open the renewal time limit and say when to send the reminder. The right expires on its
    expiry date; the last day to renew moves off a day the office is closed (DOMAIN.md rule 3)."""
    case = case_of(ctx, case_id)
    session = session_of(ctx)
    entry = _register_entry(session, case)
    ipflow = ipflow_of(ctx)
    reminder = Period.parse(limit_for(limits, "renewal_reminder")["period"])
    last_day = ipflow.calendar.next_working_day(entry.expiry_date)
    deadline = Deadline(case_id=case.id, kind="renewal", legal_kind="statutory", event_date=entry.term_start,
                        due_date=last_day, status="open", extensions=0)
    session.add(deadline)
    session.flush()
    remind_on = max(months_before(entry.expiry_date, reminder), office_today(ctx))
    tz = ipflow.settings.office_timezone
    return {
        "deadline_id": deadline.id,
        "expiry_date": entry.expiry_date.isoformat(),
        "due_date": last_day.isoformat(),
        "fires_at": deadline_moment(last_day, tz).isoformat(),
        "reminder_at": start_of(remind_on, tz).isoformat(),
    }


def start_of(day: date, tz: str):
    """The UTC moment a day begins at the office (a timer for 'on that day')."""
    return deadline_moment(date.fromordinal(day.toordinal() - 1), tz)


def months_before(day: date, period: Period) -> date:
    """The day `period` before `day` (months, then days), on the last day of a shorter month."""
    months = day.year * 12 + day.month - 1 - period.total_months
    year, month = divmod(months, 12)
    last = month_calendar.monthrange(year, month + 1)[1]
    result = date(year, month + 1, min(day.day, last))
    return date.fromordinal(result.toordinal() - period.days)


@registry.operator("renew_right")
def renew_right(ctx: OperatorContext, case_id, deadline_id, limits) -> dict:
    """Extend the registration by one term and close the renewal time limit as met."""
    case = case_of(ctx, case_id)
    session = session_of(ctx)
    entry = _register_entry(session, case)
    term = Period.parse(limit_for(limits, "term")["period"])
    cap = next((r for r in limits or [] if isinstance(r, dict) and r.get("kind") == "max_term"), None)
    new_expiry = add_period(entry.expiry_date, term)
    if cap is not None and new_expiry > add_period(entry.term_start, Period.parse(cap["period"])):
        raise Conflict(f"{case.application_number} has reached the longest term of protection; it cannot be renewed again")
    deadline = session.get(Deadline, int(deadline_id))
    if deadline is not None and deadline.status == "open":
        deadline.status, deadline.closed_at = "met", ctx.services["clock"].now()
    entry.expiry_date = new_expiry
    entry.status = "in_force"
    touch(ctx, case, "registered")
    return _entry(entry)


@registry.operator("lapse_right")
def lapse_right(ctx: OperatorContext, case_id) -> dict:
    """Record in the register that the right lapsed (renewal not paid in the grace period)."""
    case = case_of(ctx, case_id)
    entry = _register_entry(session_of(ctx), case)
    entry.status = "lapsed"
    touch(ctx, case, "lapsed")
    return _entry(entry)


@registry.operator("expire_right")
def expire_right(ctx: OperatorContext, case_id) -> dict:
    """Record in the register that the right reached the end of its last term (not a lapse:
    nothing was missed). Refused while the term is still running; running it twice changes nothing."""
    case = case_of(ctx, case_id)
    entry = _register_entry(session_of(ctx), case)
    if entry.status == "in_force" and office_today(ctx) <= entry.expiry_date:
        raise Conflict(f"{case.application_number} is in force until {entry.expiry_date}; it cannot expire before then")
    if entry.status == "in_force":
        entry.status = "expired"
        touch(ctx, case, "expired")
    return _entry(entry)


def register_entry(session, case) -> RegisterEntry:
    """The case's register entry; a Conflict when the case is not registered yet."""
    return _register_entry(session, case)


def _register_entry(session, case) -> RegisterEntry:
    entry = session.scalar(select(RegisterEntry).where(RegisterEntry.case_id == case.id))
    if entry is None:
        raise Conflict(f"{case.application_number} is not in the register yet")
    return entry
