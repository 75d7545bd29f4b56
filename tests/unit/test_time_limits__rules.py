"""Time-limit rules (DOMAIN.md "Time limits"): periods, month arithmetic, rollover, timers, sandbox helpers."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.domain.calendar import OfficeCalendar
from engine.domain.time_limits import (
    Period,
    add_period,
    compute_limit,
    deadline_moment,
    explain_limit,
    time_limit_helpers,
)
from engine.errors import ScriptError
from engine.runtime.sandbox import Sandbox

SOFIA = "Europe/Sofia"
# Module-level rather than a fixture so hypothesis tests can share its cached holiday years.
BG = OfficeCalendar("BG", (5, 6))


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def is_month_end(d: date) -> bool:
    return d.day == monthrange(d.year, d.month)[1]


# ---------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("text", "period", "iso"),
    [
        ("P3M", Period(months=3), "P3M"),
        ("P2M", Period(months=2), "P2M"),
        ("P10Y", Period(years=10), "P10Y"),
        ("P30D", Period(days=30), "P30D"),
        ("P6M15D", Period(months=6, days=15), "P6M15D"),
        ("P1Y6M", Period(years=1, months=6), "P1Y6M"),
        ("P2W", Period(days=14), "P14D"),
        (" p3m ", Period(months=3), "P3M"),
        ("P0D", Period(), "P0D"),
    ],
)
def test_period_parses_iso_date_durations_and_prints_back(text, period, iso):
    assert Period.parse(text) == period
    assert str(period) == iso
    assert Period.parse(str(period)) == period


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("PT12H", "has a time part"),
        ("P1DT2H", "has a time part"),
        ("-P1M", "is negative"),
        ("P1.5M", "has a fraction"),
        ("P", "is not an ISO 8601 period"),
        ("3M", "is not an ISO 8601 period"),
        ("P1M2Y", "is not an ISO 8601 period"),
        ("three months", "is not an ISO 8601 period"),
        ("", "is not an ISO 8601 period"),
    ],
)
def test_period_refuses_time_parts_and_garbage_saying_what_to_write(text, message):
    with pytest.raises(ValueError, match=message) as caught:
        Period.parse(text)
    assert "like P3M" in str(caught.value)


def test_period_refuses_non_text_and_negative_parts():
    with pytest.raises(ValueError, match="ISO 8601 text like 'P3M', not 3"):
        Period.parse(3)
    with pytest.raises(ValueError, match="months must be a whole number of 0 or more"):
        Period(months=-1)


# ---------------------------------------------------------------- named edge cases


@pytest.mark.parametrize(
    ("event", "limit"),
    [(date(2027, 1, 31), date(2027, 2, 28)), (date(2028, 1, 31), date(2028, 2, 29))],
    ids=["non-leap-year", "leap-year"],
)
def test_31_january_plus_1_month_is_the_last_day_of_february(event, limit):
    assert compute_limit(event, "P1M", None) == limit


def test_29_february_plus_1_year_is_28_february():
    assert compute_limit(date(2028, 2, 29), "P1Y", None) == date(2029, 2, 28)


def test_28_february_of_a_common_year_plus_1_year_is_29_february_by_the_last_day_rule():
    assert compute_limit(date(2027, 2, 28), "P1Y", None) == date(2028, 2, 29)
    assert compute_limit(date(2027, 2, 28), "P12M", None) == date(2028, 2, 29)


def test_30_april_plus_1_month_is_31_may_by_the_last_day_rule():
    assert compute_limit(date(2026, 4, 30), "P1M", None) == date(2026, 5, 31)


def test_mid_month_event_keeps_its_day_number():
    assert compute_limit(date(2026, 3, 2), "P3M", None) == date(2026, 6, 2)
    assert compute_limit(date(2026, 5, 30), "P1M", None) == date(2026, 6, 30)  # not month-end: day 30 exists


def test_30_january_plus_1_month_is_clamped_to_the_end_of_february():
    assert compute_limit(date(2026, 1, 30), "P1M", None) == date(2026, 2, 28)


def test_days_count_from_the_day_after_the_event():
    assert compute_limit(date(2026, 3, 1), "P1D", None) == date(2026, 3, 2)
    assert compute_limit(date(2026, 3, 1), "P30D", None) == date(2026, 3, 31)
    assert compute_limit(date(2026, 12, 20), "P2W", None) == date(2027, 1, 3)


def test_months_are_added_before_days():
    # 20 Jan + 1 month = 20 Feb, + 15 days = 7 Mar; days first would give 4 Feb + 1 month = 4 Mar.
    assert compute_limit(date(2026, 1, 20), "P1M15D", None) == date(2026, 3, 7)
    # The last-day rule applies to the month step: 31 Jan -> 28 Feb, then + 1 day.
    assert compute_limit(date(2026, 1, 31), "P1M1D", None) == date(2026, 3, 1)


def test_holiday_on_friday_before_a_weekend_moves_to_monday():
    # Labour Day, Friday 1 May 2026.
    assert add_period(date(2026, 4, 1), "P1M") == date(2026, 5, 1)
    assert compute_limit(date(2026, 4, 1), "P1M", BG) == date(2026, 5, 4)


def test_holiday_on_friday_before_a_weekend_and_a_monday_holiday_moves_to_tuesday():
    # Christmas Day Friday 25 Dec 2026, weekend, observed Christmas Monday 28 Dec.
    assert compute_limit(date(2026, 11, 25), "P1M", BG) == date(2026, 12, 29)


def test_easter_and_labour_day_run_moves_to_the_next_wednesday():
    # Good Friday 30 Apr 2027 -> Holy Saturday/Labour Day -> Easter -> Easter Monday -> Labour Day observed.
    assert compute_limit(date(2027, 3, 30), "P1M", BG) == date(2027, 5, 5)


def test_limit_on_a_configured_closure_moves_to_the_next_working_day():
    closed = OfficeCalendar("BG", (5, 6), closures=(date(2026, 7, 15),))
    assert compute_limit(date(2026, 5, 15), "P2M", closed) == date(2026, 7, 16)
    assert compute_limit(date(2026, 5, 15), "P2M", BG) == date(2026, 7, 15)


def test_limit_on_a_working_day_does_not_move():
    assert compute_limit(date(2026, 3, 2), "P3M", BG) == date(2026, 6, 2)


def test_explain_limit_names_the_rule_and_every_closed_day():
    limit, reasons = explain_limit(date(2026, 4, 1), "P1M", BG)
    assert limit == date(2026, 5, 4)
    assert reasons[0] == "P1M from 2026-04-01 ends on 2026-05-01"
    assert reasons[1].startswith("2026-05-01 is Labor Day")
    assert reasons[1].endswith("2026-05-02 is Saturday, 2026-05-03 is Sunday; moved to 2026-05-04, the next working day")


def test_explain_limit_says_when_the_last_day_rule_or_clamping_applied():
    _, last_day = explain_limit(date(2026, 4, 30), "P1M", None)
    _, clamped = explain_limit(date(2026, 1, 30), "P1M", None)
    assert "last day" in last_day[0] and "event fell on its month's last day" in last_day[0]
    assert "no day 30" in clamped[0]


def test_compute_limit_refuses_a_datetime_event():
    with pytest.raises(ValueError, match="must be a date"):
        compute_limit(datetime(2026, 1, 31, 12, 0), "P1M", None)


def test_limit_past_year_9999_is_refused():
    with pytest.raises(ValueError, match="after the year 9999"):
        compute_limit(date(9999, 6, 1), "P1Y", None)
    with pytest.raises(ValueError, match="after the year 9999"):
        compute_limit(date(9999, 12, 31), "P1D", None)


# ---------------------------------------------------------------- properties

events = st.dates(date(1990, 1, 1), date(2100, 12, 31))
months = st.integers(0, 240)
# Holiday data for BG covers 1991-2100: keep calendar properties inside it.
calendar_events = st.dates(date(1991, 1, 1), date(2080, 12, 31))


@given(events, months)
def test_months_land_in_the_target_month(event, n):
    assert month_index(compute_limit(event, Period(months=n), None)) == month_index(event) + n


@given(events, months)
def test_day_number_never_grows_unless_the_last_day_rule_applied(event, n):
    limit = compute_limit(event, Period(months=n), None)
    if limit.day > event.day:
        assert is_month_end(event) and is_month_end(limit)
    else:
        assert limit.day == event.day or is_month_end(limit)


@given(st.integers(1990 * 12, 2100 * 12 + 11), months)
def test_month_end_events_map_to_month_ends(index, n):
    year, month = divmod(index, 12)
    event = date(year, month + 1, monthrange(year, month + 1)[1])
    assert is_month_end(compute_limit(event, Period(months=n), None))


@given(events, events, months)
def test_adding_months_is_monotonic(a, b, n):
    early, late = min(a, b), max(a, b)
    assert compute_limit(early, Period(months=n), None) <= compute_limit(late, Period(months=n), None)


@given(calendar_events, months, st.integers(0, 40))
def test_with_a_calendar_the_limit_is_the_first_working_day_from_the_unrolled_date(event, n, d):
    period = Period(months=n, days=d)
    unrolled = add_period(event, period)
    limit = compute_limit(event, period, BG)
    assert BG.is_working_day(limit)
    assert limit >= unrolled
    between = [unrolled + timedelta(days=i) for i in range((limit - unrolled).days)]
    assert all(not BG.is_working_day(day) for day in between)


@given(calendar_events, months, st.integers(1, 30))
def test_limit_after_a_run_of_closures_is_the_first_working_day_after_the_run(event, n, run_length):
    unrolled = add_period(event, Period(months=n))
    run = tuple(unrolled + timedelta(days=i) for i in range(run_length))
    cal = OfficeCalendar("BG", (5, 6), closures=run)
    limit = compute_limit(event, Period(months=n), cal)
    assert limit > run[-1]
    assert limit == BG.next_working_day(run[-1] + timedelta(days=1))


@given(st.dates(date(1991, 1, 1), date(2100, 12, 30)))
@example(date(1996, 3, 30))  # Sofia skipped midnight that night: 31 March 1996 began at 01:00
def test_deadline_moment_is_the_first_instant_of_the_day_after_the_limit(limit):
    moment = deadline_moment(limit, SOFIA)
    assert moment.tzinfo is timezone.utc
    zone = ZoneInfo(SOFIA)
    assert moment.astimezone(zone).date() == limit + timedelta(days=1)
    assert (moment - timedelta(microseconds=1)).astimezone(zone).date() == limit


# ---------------------------------------------------------------- timer moments


def test_deadline_moment_in_sofia_summer_is_21_utc():
    assert deadline_moment(date(2026, 6, 2), SOFIA) == datetime(2026, 6, 2, 21, 0, tzinfo=timezone.utc)


def test_deadline_moment_in_sofia_winter_is_22_utc():
    assert deadline_moment(date(2026, 1, 15), SOFIA) == datetime(2026, 1, 15, 22, 0, tzinfo=timezone.utc)


def test_deadline_moment_on_a_midnight_skipped_by_a_clock_change_is_the_change():
    # Brazil moved clocks from 00:00 to 01:00 on 4 Nov 2018: that day began at 03:00 UTC.
    assert deadline_moment(date(2018, 11, 3), "America/Sao_Paulo") == datetime(2018, 11, 4, 3, 0, tzinfo=timezone.utc)


def test_deadline_moment_refuses_an_unknown_time_zone():
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        deadline_moment(date(2026, 6, 2), "Mars/Olympus")


# ---------------------------------------------------------------- sandbox helpers


@pytest.fixture(scope="module")
def helpers():
    return time_limit_helpers(BG, SOFIA)


def test_limit_date_works_inside_the_sandbox(helpers):
    sandbox = Sandbox(helpers=helpers)
    assert sandbox.evaluate("add_period('2026-01-31', 'P1M')", {}) == "2026-02-28"
    # 28 Feb 2026 is a Saturday: the limit itself moves to Monday 2 March.
    assert sandbox.evaluate("limit_date('2026-01-31', 'P1M')", {}) == "2026-03-02"
    assert sandbox.evaluate("limit_date('2028-01-31', 'P1M')", {}) == "2028-02-29"


def test_limit_timer_from_task_data_is_a_timer_spiffworkflow_reads(helpers):
    data = {"publication_date": "2026-03-02", "opposition_period": "P3M"}
    value = Sandbox(helpers=helpers).evaluate("limit_timer(publication_date, opposition_period)", data)
    assert value == "2026-06-02T21:00:00+00:00"
    assert TimerEventDefinition.get_datetime(value) == datetime(2026, 6, 2, 21, 0, tzinfo=timezone.utc)


def test_limit_timer_fires_after_the_rolled_over_day(helpers):
    assert helpers["limit_timer"]("2026-04-01", "P1M") == "2026-05-04T21:00:00+00:00"


def test_working_day_and_add_period_helpers(helpers):
    assert helpers["working_day"]("2026-05-01") == "2026-05-04"
    assert helpers["working_day"]("2026-05-05") == "2026-05-05"
    assert helpers["add_period"]("2026-04-01", "P1M") == "2026-05-01"  # no rollover


@pytest.mark.parametrize(
    "event",
    [
        date(2026, 3, 2),
        "2026-03-02",
        "2026-03-02T10:00:00",
        datetime(2026, 3, 2, 10, 0),
        datetime(2026, 3, 1, 22, 30, tzinfo=timezone.utc),  # already 2 March in Sofia
        "2026-03-01T22:30:00Z",
    ],
)
def test_helpers_accept_dates_datetimes_and_iso_text_read_in_the_office_zone(helpers, event):
    assert helpers["add_period"](event, "P1M") == "2026-04-02"


def test_helpers_return_strings_so_task_data_stays_json(helpers):
    results = [
        helpers["limit_date"](date(2026, 3, 2), Period(months=3)),
        helpers["limit_timer"](date(2026, 3, 2), "P3M"),
        helpers["working_day"](date(2026, 3, 2)),
        helpers["add_period"](date(2026, 3, 2), "P3M"),
    ]
    assert all(isinstance(r, str) for r in results)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("limit_date('31/01/2026', 'P1M')", "ISO text like '2026-01-31', not '31/01/2026'"),
        ("limit_date(None, 'P1M')", "must be a date, a datetime or ISO text"),
        ("limit_timer('2026-01-31', 'PT1H')", "has a time part"),
        ("add_period('2026-01-31', 3)", "ISO 8601 text like 'P3M'"),
    ],
)
def test_bad_helper_input_in_the_sandbox_says_what_to_give(helpers, call, message):
    with pytest.raises(ScriptError, match=message):
        Sandbox(helpers=helpers).evaluate(call, {})


def test_helpers_refuse_an_unknown_office_time_zone():
    with pytest.raises(ValueError, match="unknown time zone"):
        time_limit_helpers(BG, "Europe/Nowhere")
