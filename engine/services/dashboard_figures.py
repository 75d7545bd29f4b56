"""The manager's dashboard as read models: one frozen dataclass per figure, and each table as
plain columns and records (what the page and the CSV export both show)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

AGE_BUCKETS = ("0-30 days", "31-90 days", "91-180 days", "181-365 days", "over 365 days")
AGE_LIMITS = (30, 90, 180, 365)  # the last day of each bucket but the open-ended one


@dataclass(frozen=True)
class Table:
    """One table of the dashboard, as its CSV has it: a title, the column names, the rows."""

    name: str
    title: str
    columns: tuple[str, ...]
    records: tuple[tuple, ...]


@dataclass(frozen=True)
class BacklogRow:
    stage: str  # cases.status
    counts: tuple[int, ...]  # one per AGE_BUCKETS
    total: int


@dataclass(frozen=True)
class WeekFlow:
    week: date  # the Monday of the ISO week
    filed: int
    registered: int
    closed_otherwise: int  # refused, withdrawn, terminated: the instance ended without a register entry

    @property
    def label(self) -> str:
        year, week, _ = self.week.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def decided(self) -> int:
        return self.registered + self.closed_otherwise


@dataclass(frozen=True)
class Pendency:
    """Days from filing, over the cases whose first action / final decision fell in the range."""

    right_type: str
    first_action_cases: int
    first_action_median: int | None
    first_action_p90: int | None
    decision_cases: int
    decision_median: int | None
    decision_p90: int | None


@dataclass(frozen=True)
class DueShare:
    """Human steps completed in the range; the share counts those that had a due date."""

    right_type: str
    completed: int
    with_due: int
    on_time: int

    @property
    def share(self) -> float | None:
        return round(100 * self.on_time / self.with_due, 1) if self.with_due else None


@dataclass(frozen=True)
class DeadlineCount:
    kind: str
    overdue: int
    due_soon: int  # due today or within the next 14 days


@dataclass(frozen=True)
class ExaminerLoad:
    username: str
    name: str
    open_assigned: int
    completed: int  # in the range
    median_hours: float | None  # from the task's creation to its completion


@dataclass(frozen=True)
class RenewalMonth:
    month: date  # its first day
    expiring_rights: int  # register entries in force whose term ends in the month
    renewal_limits: int  # open renewal time limits due in the month
    annuity_limits: int  # open annuity time limits due in the month


@dataclass(frozen=True)
class FeesAwaiting:
    """Renewal and annuity fee sheets computed and not paid yet."""

    currency: str
    sheets: int
    total: Decimal


@dataclass(frozen=True)
class UnmatchedPayments:
    currency: str
    count: int
    total: Decimal
    oldest_received_at: datetime


@dataclass(frozen=True)
class OldestPayment:
    reference: str
    amount: Decimal
    currency: str
    received_at: datetime


@dataclass(frozen=True)
class Dashboard:
    date_from: date
    date_to: date
    right_type: str | None
    today: date
    backlog: tuple[BacklogRow, ...]
    flow: tuple[WeekFlow, ...]
    pendency: tuple[Pendency, ...]
    due_share: tuple[DueShare, ...]
    deadlines: tuple[DeadlineCount, ...]
    workload: tuple[ExaminerLoad, ...]
    renewals: tuple[RenewalMonth, ...]
    fees_awaiting: tuple[FeesAwaiting, ...]
    payments: tuple[UnmatchedPayments, ...]
    oldest_payment: OldestPayment | None

    @property
    def backlog_totals(self) -> tuple[int, ...]:
        return tuple(sum(r.counts[i] for r in self.backlog) for i in range(len(AGE_BUCKETS)))
