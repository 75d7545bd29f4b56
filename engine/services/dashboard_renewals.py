"""The dashboard's look ahead and at money: renewals and annuities falling due, their fee sheets
not paid yet, and payments no case was matched to. GROUP BY queries, as in dashboard_queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from engine.db.models import Case, Deadline, FeeSheet, Payment, RegisterEntry
from engine.services.dashboard_figures import FeesAwaiting, OldestPayment, RenewalMonth, UnmatchedPayments
from engine.services.dashboard_queries import Scope, as_date
from engine.services.dashboard_sql import month_start

RENEWAL_KINDS = ("renewal", "annuity")


def renewals(session: Session, scope: Scope, until: date) -> tuple[RenewalMonth, ...]:
    """From today to `until` (excluded), per month: rights whose term ends, open renewal and
    annuity time limits falling due."""
    expiring = (
        select(month_start(RegisterEntry.expiry_date).label("month"), literal("expiring").label("what"))
        .join(Case, Case.id == RegisterEntry.case_id)
        .where(
            RegisterEntry.status == "in_force",
            RegisterEntry.expiry_date >= scope.today,
            RegisterEntry.expiry_date < until,
            scope.of_type(),
        )
    )
    limits = (
        select(month_start(Deadline.due_date).label("month"), Deadline.kind.label("what"))
        .join(Case, Case.id == Deadline.case_id)
        .where(
            Deadline.status == "open",
            Deadline.kind.in_(RENEWAL_KINDS),
            Deadline.due_date >= scope.today,
            Deadline.due_date < until,
            scope.of_type(),
        )
    )
    events = union_all(expiring, limits).subquery("events")
    found = {
        (as_date(month), what): n
        for month, what, n in session.execute(
            select(events.c.month, events.c.what, func.count()).group_by(events.c.month, events.c.what)
        )
    }
    months, month = [], scope.today.replace(day=1)
    while month < until:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return tuple(
        RenewalMonth(m, found.get((m, "expiring"), 0), found.get((m, "renewal"), 0), found.get((m, "annuity"), 0)) for m in months
    )


def fees_awaiting(session: Session, scope: Scope) -> tuple[FeesAwaiting, ...]:
    query = (
        select(FeeSheet.currency, func.count(), func.sum(FeeSheet.total))
        .where(FeeSheet.status == "due", FeeSheet.kind.in_(RENEWAL_KINDS))
        .group_by(FeeSheet.currency)
        .order_by(FeeSheet.currency)
    )
    if scope.right_type:
        query = query.join(Case, Case.id == FeeSheet.case_id).where(scope.of_type())
    return tuple(FeesAwaiting(cur, n, total) for cur, n, total in session.execute(query))


def payments(session: Session) -> tuple[tuple[UnmatchedPayments, ...], OldestPayment | None]:
    """Unmatched payments by currency, and the one waiting longest (they have no right type)."""
    unmatched = Payment.matched.is_(False)
    rows = session.execute(
        select(Payment.currency, func.count(), func.sum(Payment.amount), func.min(Payment.received_at))
        .where(unmatched)
        .group_by(Payment.currency)
        .order_by(Payment.currency)
    ).all()
    by_currency = tuple(UnmatchedPayments(cur, n, total, _moment(oldest)) for cur, n, total, oldest in rows)
    oldest = session.execute(
        select(Payment.reference, Payment.amount, Payment.currency, Payment.received_at)
        .where(unmatched)
        .order_by(Payment.received_at, Payment.id)
        .limit(1)
    ).first()
    return by_currency, (OldestPayment(*oldest) if oldest else None)


def _moment(value) -> datetime:
    # min() over a UTC column comes back as text on SQLite: the column type does not reach it.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
