"""The office calendar: which days the office is open.

A day is closed when it is a weekend day, a public holiday of the office's country (from the
`holidays` package, observed days included) or an announced office closure. Holidays are loaded a
year at a time, on first use, and kept.

The `holidays` package returns *no* holidays for years outside the range it knows for a country
(Bulgaria: 1991-2100). A limit checked against an empty year would be silently wrong, so such a
date raises ValueError instead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import holidays

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CLOSURE_REASON = "office closure"


class OfficeCalendar:
    """Working days of one office: weekend, public holidays of its country, announced closures."""

    def __init__(
        self,
        country: str,
        weekend: tuple[int, ...],
        closures: Iterable[date] = (),
        subdivision: str | None = None,
        language: str | None = None,
    ):
        """`weekend` holds weekday numbers (Monday=0). `language` names holidays; by default
        English where the package has it, else the country's own language (never the process locale)."""
        self.weekend = _check_weekend(weekend)
        self.closures = frozenset(_check_closures(closures))
        self.country = country
        self.subdivision = subdivision
        probe = _country_holidays(country, subdivision, years=(), language=None)
        supported = tuple(getattr(probe, "supported_languages", ()))
        if language is not None and language not in supported:
            raise ValueError(
                f"holiday names for {country} are available in {', '.join(supported) or 'no other language'}, not {language!r}"
            )
        self.language = language or ("en_US" if "en_US" in supported else getattr(probe, "default_language", None))
        self.first_year = int(getattr(probe, "start_year", 1))
        self.last_year = int(getattr(probe, "end_year", 9999))
        self._years: dict[int, Mapping[date, str]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Any) -> OfficeCalendar:
        """The calendar of the office described by `Settings` (country, weekend, closures)."""
        return cls(settings.office_country, tuple(settings.weekend), tuple(settings.closures))

    def __repr__(self) -> str:
        where = f"{self.country}-{self.subdivision}" if self.subdivision else self.country
        return f"OfficeCalendar({where}, weekend={self.weekend}, closures={len(self.closures)})"

    def is_working_day(self, d: date) -> bool:
        """True when the office is open on `d`."""
        return self.closed_reason(d) is None

    def next_working_day(self, d: date) -> date:
        """`d` itself when the office is open that day, else the first open day after it."""
        d = _plain_date(d)
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def closed_reason(self, d: date) -> str | None:
        """Why the office is closed on `d` ("Christmas Day", "office closure", "Saturday"), or None.

        A public holiday is named even when it falls on a weekend day: that is what a letter says.
        """
        d = _plain_date(d)
        holiday = self.holidays_of(d.year).get(d)
        if holiday:
            return holiday
        if d in self.closures:
            return CLOSURE_REASON
        if d.weekday() in self.weekend:
            return WEEKDAY_NAMES[d.weekday()]
        return None

    def holidays_of(self, year: int) -> Mapping[date, str]:
        """Public holidays of `year` by date (names of coinciding holidays joined with '; ')."""
        found = self._years.get(year)
        if found is not None:
            return found
        if not self.first_year <= year <= self.last_year:
            raise ValueError(
                f"public holidays of {self.country} are known for {self.first_year}-{self.last_year} only, "
                f"not {year}; a date in {year} cannot be checked against the office calendar"
            )
        with self._lock:
            if year not in self._years:
                loaded = _country_holidays(self.country, self.subdivision, years=(year,), language=self.language)
                self._years[year] = dict(loaded.items())
            return self._years[year]


def _country_holidays(country: str, subdivision: str | None, years: tuple[int, ...], language: str | None) -> Any:
    try:
        return holidays.country_holidays(country, subdiv=subdivision, years=years, language=language)
    except NotImplementedError:
        if subdivision is None:
            raise ValueError(
                f"no public-holiday calendar for country {country!r}; use a two-letter ISO 3166 code the "
                "`holidays` package supports, like BG or DE"
            ) from None
        raise ValueError(
            f"country {country!r} has no subdivision {subdivision!r} in the `holidays` package; "
            "leave the subdivision empty or use one of its codes"
        ) from None


def _check_weekend(weekend: Iterable[int]) -> tuple[int, ...]:
    days = tuple(sorted(set(weekend)))
    bad = [d for d in days if not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6]
    if bad:
        raise ValueError(f"weekend days are weekday numbers 0 (Monday) to 6 (Sunday), not {bad}")
    if len(days) == 7:
        raise ValueError("the weekend cannot be all seven days: the office would never be open")
    return days


def _check_closures(closures: Iterable[date]) -> list[date]:
    closures = list(closures)
    bad = [c for c in closures if not isinstance(c, date) or isinstance(c, datetime)]
    if bad:
        raise ValueError(f"office closures are dates, not {bad[:3]}")
    return closures


def _plain_date(d: date) -> date:
    # A datetime is a date too, but its calendar day depends on a time zone we do not know here.
    if isinstance(d, datetime) or not isinstance(d, date):
        raise ValueError(f"give a date (the day in the office's time zone), not {d!r}")
    return d
