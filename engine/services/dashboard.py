"""The manager's dashboard: where the office stands, over a date range and optionally one right type.

Backlog, time limits, workload, renewals and payments are as of `today`; inflow and outflow,
pendency, steps on time and output cover the range. Every figure is a SQL aggregate
(engine.services.dashboard_queries); this module parses the request and shapes the tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from engine.container import Ipflow
from engine.errors import InvalidInput, NotFound
from engine.services import dashboard_queries as queries
from engine.services import dashboard_renewals as ahead
from engine.services.dashboard_figures import AGE_BUCKETS, Dashboard, Table
from engine.services.inbox_query import RIGHT_TYPES

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366  # three years of weeks is as much as a chart can show
RENEWAL_MONTHS = 6


@dataclass(frozen=True)
class DashboardQuery:
    date_from: date
    date_to: date
    right_type: str | None
    today: date

    @classmethod
    def from_args(cls, args: Mapping[str, Any], today: date) -> DashboardQuery:
        """From the page's query string; refused with InvalidInput naming the field a person must fix."""
        errors: dict[str, list[str]] = {}
        unknown = sorted(set(args) - {"date_from", "date_to", "right_type"})
        for key in unknown:
            errors[key] = ["Not a dashboard filter: use the form's fields."]
        date_to = _date(args.get("date_to"), "date_to", errors) or today
        date_from = _date(args.get("date_from"), "date_from", errors) or date_to - timedelta(days=DEFAULT_DAYS)
        right_type = args.get("right_type") or None
        if right_type is not None and right_type not in RIGHT_TYPES:
            errors["right_type"] = [f"Choose one of: {', '.join(RIGHT_TYPES)}, or all right types."]
        if not errors and date_from > date_to:
            errors["date_to"] = ["Give a 'to' date on or after the 'from' date."]
        if not errors and (date_to - date_from).days > MAX_DAYS:
            errors["date_from"] = ["Choose a range of at most three years."]
        if errors:
            raise InvalidInput("the dashboard filter is not valid", errors)
        return cls(date_from, date_to, right_type, today)


def _date(value: Any, field: str, errors: dict[str, list[str]]) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = ["Give a date as YYYY-MM-DD."]
        return None


def office_today(ctx: Ipflow) -> date:
    return ctx.clock.now().astimezone(ctx.office_zone).date()


def dashboard_query(ctx: Ipflow, args: Mapping[str, Any]) -> DashboardQuery:
    """The query a page asked for, with today's date at the office."""
    return DashboardQuery.from_args(args, office_today(ctx))


def dashboard(ctx: Ipflow, query: DashboardQuery) -> Dashboard:
    """Every figure of the dashboard, read in one read-only session."""
    scope = queries.Scope(query.date_from, query.date_to, query.right_type, query.today)
    with ctx.db.reading() as session:
        payments, oldest = ahead.payments(session)
        return Dashboard(
            date_from=query.date_from,
            date_to=query.date_to,
            right_type=query.right_type,
            today=query.today,
            backlog=queries.backlog(session, scope),
            flow=queries.flow(session, scope),
            pendency=queries.pendency(session, scope),
            due_share=queries.due_share(session, scope),
            deadlines=queries.deadlines(session, scope),
            workload=queries.workload(session, scope),
            renewals=ahead.renewals(session, scope, renewals_until(query.today)),
            fees_awaiting=ahead.fees_awaiting(session, scope),
            payments=payments,
            oldest_payment=oldest,
        )


def renewals_until(today: date) -> date:
    """The first day of the month six months on: the renewals table shows this month and five more."""
    month = today.year * 12 + today.month - 1 + RENEWAL_MONTHS
    return date(month // 12, month % 12 + 1, 1)


def dashboard_tables(board: Dashboard) -> tuple[Table, ...]:
    """The dashboard's tables, in page order, as their CSV export has them."""
    return tuple(build(board) for build in TABLES.values())


def dashboard_table(ctx: Ipflow, query: DashboardQuery, name: str) -> Table:
    """One table for its CSV export (NotFound names the tables there are)."""
    if name not in TABLES:
        raise NotFound(f"the dashboard has no table {name!r}; choose one of {', '.join(TABLES)}")
    return TABLES[name](dashboard(ctx, query))


def _backlog(b: Dashboard) -> Table:
    records = [(r.stage, *r.counts, r.total) for r in b.backlog]
    records.append(("All stages", *b.backlog_totals, sum(b.backlog_totals)))
    return Table("backlog", "Backlog: open cases by stage and age since filing", ("Stage", *AGE_BUCKETS, "Total"), tuple(records))


def _flow(b: Dashboard) -> Table:
    return Table(
        "flow",
        "Inflow and outflow per week",
        ("Week", "Week starts", "Filed", "Registered", "Closed otherwise", "Decided"),
        tuple((w.label, w.week.isoformat(), w.filed, w.registered, w.closed_otherwise, w.decided) for w in b.flow),
    )


def _pendency(b: Dashboard) -> Table:
    return Table(
        "pendency",
        "Pendency in days from filing",
        (
            "Right type",
            "First actions",
            "To first action, median",
            "To first action, 90th percentile",
            "Final decisions",
            "To final decision, median",
            "To final decision, 90th percentile",
        ),
        tuple(
            (
                p.right_type,
                p.first_action_cases,
                p.first_action_median,
                p.first_action_p90,
                p.decision_cases,
                p.decision_median,
                p.decision_p90,
            )
            for p in b.pendency
        ),
    )


def _due_share(b: Dashboard) -> Table:
    return Table(
        "due-share",
        "Steps completed within their due date",
        ("Right type", "Steps completed", "With a due date", "On time", "On time, %"),
        tuple((d.right_type, d.completed, d.with_due, d.on_time, d.share) for d in b.due_share),
    )


def _deadlines(b: Dashboard) -> Table:
    return Table(
        "deadlines",
        "Open time limits: overdue and due within 14 days",
        ("Kind", "Overdue", "Due within 14 days"),
        tuple((d.kind, d.overdue, d.due_soon) for d in b.deadlines),
    )


def _workload(b: Dashboard) -> Table:
    return Table(
        "workload",
        "Workload and output per person",
        ("User", "Name", "Open tasks assigned", "Tasks completed", "Median handling time, hours"),
        tuple((w.username, w.name, w.open_assigned, w.completed, w.median_hours) for w in b.workload),
    )


def _renewals(b: Dashboard) -> Table:
    return Table(
        "renewals",
        "Renewals and annuities due in the next 6 months",
        ("Month", "Rights expiring", "Renewal time limits", "Annuity time limits"),
        tuple((m.month.strftime("%Y-%m"), m.expiring_rights, m.renewal_limits, m.annuity_limits) for m in b.renewals),
    )


def _payments(b: Dashboard) -> Table:
    return Table(
        "payments",
        "Unmatched payments",
        ("Currency", "Payments", "Total", "Oldest received (UTC)"),
        tuple((p.currency, p.count, f"{p.total:.2f}", p.oldest_received_at.strftime("%Y-%m-%d %H:%M")) for p in b.payments),
    )


TABLES: dict[str, Callable[[Dashboard], Table]] = {
    "backlog": _backlog,
    "flow": _flow,
    "pendency": _pendency,
    "due-share": _due_share,
    "deadlines": _deadlines,
    "workload": _workload,
    "renewals": _renewals,
    "payments": _payments,
}
