"""Time limits: when a period that starts with an event ends, and when its timer fires.

The rules (DOMAIN.md, "Time limits"):

- Days are counted from the day after the event, so 30 days from 1 March ends on 31 March.
- N months (a year is 12 months) end on the same day number in the target month; when that
  month is shorter, on its last day; and when the event fell on the last day of its month, on
  the last day of the target month. The last-day rule is applied every time the event is a
  month's last day, including 28 February of a common year: 28 Feb 2027 + 1 year = 29 Feb 2028,
  and 29 Feb 2028 + 1 year = 28 Feb 2029.
- A period with months and days adds the months first, then the days.
- A limit that ends on a day the office is closed moves to the next working day.

A limit runs to the end of its last day in the office's time zone, so its timer fires at the
start of the following day (`deadline_moment`).
"""

from __future__ import annotations

import re
from calendar import monthrange  # the standard library's, not engine.domain.calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.domain.calendar import OfficeCalendar

_PERIOD = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")
_PERIOD_HELP = "write P and whole numbers with Y, M, W, D in that order, like P3M, P10Y, P30D or P6M15D"


@dataclass(frozen=True)
class Period:
    """A calendar period of whole years, months and days (an ISO 8601 date duration)."""

    years: int = 0
    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        for name in ("years", "months", "days"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"a period's {name} must be a whole number of 0 or more, not {value!r}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read an ISO 8601 date duration: 'P3M', 'P10Y', 'P30D', 'P6M15D'; 'P2W' is 14 days."""
        if not isinstance(text, str):
            raise ValueError(f"a period is ISO 8601 text like 'P3M', not {text!r}")
        clean = text.strip().upper()
        if clean.startswith("-"):
            raise ValueError(f"period {text!r} is negative; a time limit runs forward: {_PERIOD_HELP}")
        if re.fullmatch(r"P[\d.,YMWD]*T.*", clean):
            raise ValueError(f"period {text!r} has a time part (after T); time limits count whole days: {_PERIOD_HELP}")
        if "." in clean or "," in clean:
            raise ValueError(f"period {text!r} has a fraction; {_PERIOD_HELP}")
        match = _PERIOD.fullmatch(clean)
        if not match or clean == "P":
            raise ValueError(f"{text!r} is not an ISO 8601 period; {_PERIOD_HELP}")
        years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
        return cls(years, months, weeks * 7 + days)

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    def __str__(self) -> str:
        parts = [f"{n}{unit}" for n, unit in ((self.years, "Y"), (self.months, "M"), (self.days, "D")) if n]
        return "P" + ("".join(parts) or "0D")


def add_period(event: date, period: Period | str) -> date:
    """The last day of `period` counted from `event`, before any move off a closed day."""
    return _add(_plain_date(event, "event"), _as_period(period))[0]


def compute_limit(event: date, period: Period | str, calendar: OfficeCalendar | None) -> date:
    """The last day of a limit: `add_period`, then the next working day if the office is closed."""
    return explain_limit(event, period, calendar)[0]


def explain_limit(event: date, period: Period | str, calendar: OfficeCalendar | None) -> tuple[date, list[str]]:
    """`compute_limit` with the reasons in words, for letters and the case history.

    e.g. (2026-05-04, ["P1M from 2026-04-01 ends on 2026-05-01",
                       "2026-05-01 is Labor Day ..., 2026-05-02 is Saturday, 2026-05-03 is Sunday; moved to 2026-05-04, ..."])
    """
    event, period = _plain_date(event, "event"), _as_period(period)
    end, note = _add(event, period)
    reasons = [f"{period} from {event} ends on {end}" + (f" ({note})" if note else "")]
    if calendar is None:
        return end, reasons
    day, closed = end, []
    while (why := calendar.closed_reason(day)) is not None:
        closed.append(f"{day} is {why}")
        day = _shift(day, 1)
    if closed:
        reasons.append(", ".join(closed) + f"; moved to {day}, the next working day")
    return day, reasons


def _add(event: date, period: Period) -> tuple[date, str]:
    """Months first (same day number, clamped, last-day rule), then days; with a note on the rule used."""
    end, note = event, ""
    if period.total_months:
        index = event.year * 12 + event.month - 1 + period.total_months
        year, month = divmod(index, 12)
        if year > 9999:
            raise ValueError(f"{period} from {event} ends after the year 9999")
        last = monthrange(year, month + 1)[1]
        if event.day == monthrange(event.year, event.month)[1] and event.day != last:
            note = "the event fell on its month's last day, so the limit ends on the target month's last day"
        elif event.day > last:
            note = f"the target month has no day {event.day}, so its last day"
        end = date(year, month + 1, last if note else event.day)
    if period.days:
        end = _shift(end, period.days)  # the day after the event is day 1
    return end, note


def _shift(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        raise ValueError(f"{day} plus {days} days is after the year 9999") from None


def deadline_moment(limit: date, tz: str) -> datetime:
    """The UTC instant a limit's timer fires: the start of the day after `limit` in time zone `tz`.

    Midnight that a clock change skips resolves to the moment of the change.
    """
    limit = _plain_date(limit, "limit")
    local = datetime.combine(_shift(limit, 1), time(0), tzinfo=_zone(tz))
    return local.astimezone(timezone.utc)


def time_limit_helpers(calendar: OfficeCalendar, tz: str) -> dict[str, Callable[..., str]]:
    """Functions analysts call from BPMN expressions and scripts; each returns a string (task data is JSON).

    Dates may be given as dates, datetimes (aware ones are read in the office's time zone) or
    ISO text; periods as ISO 8601 text like 'P3M'.
    """
    zone = _zone(tz)

    def limit_date(event, period) -> str:
        """Last day of the limit, moved off closed days: '2026-05-04'."""
        return compute_limit(_day(event, zone, "event"), _as_period(period), calendar).isoformat()

    def limit_timer(event, period) -> str:
        """UTC instant for a timeDate timer on the limit: '2026-06-02T21:00:00+00:00'."""
        end = compute_limit(_day(event, zone, "event"), _as_period(period), calendar)
        return deadline_moment(end, tz).isoformat()

    def working_day(day) -> str:
        """The day itself if the office is open, else the next working day."""
        return calendar.next_working_day(_day(day, zone, "day")).isoformat()

    def add_period_(day, period) -> str:
        """The period added to the day, without moving off closed days."""
        return add_period(_day(day, zone, "day"), _as_period(period)).isoformat()

    add_period_.__name__ = "add_period"
    return {"limit_date": limit_date, "limit_timer": limit_timer, "working_day": working_day, "add_period": add_period_}


def _as_period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)


def _plain_date(value: date, what: str) -> date:
    # A datetime is a date too, but which calendar day it is depends on a time zone.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"the {what} must be a date (the day in the office's time zone), not {value!r}")
    return value


def _day(value: object, zone: ZoneInfo, what: str) -> date:
    """A calendar day from a date, a datetime or ISO text; aware datetimes are read in the office's zone."""
    given = value
    if isinstance(value, str):
        text = value.strip()
        try:
            value = date.fromisoformat(text) if len(text) <= 10 else datetime.fromisoformat(text)
        except ValueError:
            value = None
    if isinstance(value, datetime):
        return value.astimezone(zone).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    raise ValueError(f"the {what} must be a date, a datetime or ISO text like '2026-01-31', not {given!r}")


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown time zone {tz!r}; use an IANA name like 'Europe/Sofia'") from None
