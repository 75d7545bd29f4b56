"""The office calendar: weekends, public holidays of the office's country, announced closures."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from engine.domain.calendar import OfficeCalendar
from engine.settings import load_settings
from ipflow_testing import REPO

SAT_SUN = (5, 6)


@pytest.fixture(scope="module")
def bg() -> OfficeCalendar:
    return OfficeCalendar("BG", SAT_SUN, closures=(date(2026, 7, 15),))


def test_weekdays_without_holiday_or_closure_are_working_days(bg):
    # Monday 2026-06-08 .. Friday 2026-06-12: no Bulgarian public holiday that week.
    week = [date(2026, 6, 8) + timedelta(days=i) for i in range(5)]
    assert [bg.is_working_day(d) for d in week] == [True] * 5
    assert [bg.closed_reason(d) for d in week] == [None] * 5


def test_weekend_days_are_closed_and_named(bg):
    assert bg.closed_reason(date(2026, 6, 13)) == "Saturday"
    assert bg.closed_reason(date(2026, 6, 14)) == "Sunday"
    assert not bg.is_working_day(date(2026, 6, 13))


def test_public_holiday_is_closed_and_named_by_the_holidays_package(bg):
    assert bg.closed_reason(date(2026, 12, 25)) == "Christmas Day"
    assert bg.closed_reason(date(2026, 5, 1)).startswith("Labor Day")
    assert not bg.is_working_day(date(2026, 3, 3))  # Liberation Day, a Tuesday


def test_holiday_on_a_weekend_day_is_named_as_the_holiday(bg):
    assert date(2026, 12, 26).weekday() == 5
    assert bg.closed_reason(date(2026, 12, 26)) == "Christmas Day"


def test_observed_holiday_on_the_following_monday_is_closed(bg):
    # Christmas 2026 spills onto the weekend; Bulgaria then rests on Monday the 28th.
    assert "observed" in bg.closed_reason(date(2026, 12, 28))


def test_configured_closure_is_closed_as_office_closure(bg):
    assert date(2026, 7, 15).weekday() == 2
    assert bg.closed_reason(date(2026, 7, 15)) == "office closure"
    assert bg.is_working_day(date(2026, 7, 16))


def test_next_working_day_is_the_day_itself_when_open(bg):
    assert bg.next_working_day(date(2026, 6, 10)) == date(2026, 6, 10)


def test_next_working_day_skips_a_holiday_friday_and_the_weekend(bg):
    assert bg.next_working_day(date(2026, 5, 1)) == date(2026, 5, 4)


def test_next_working_day_skips_a_run_of_holidays_and_weekend(bg):
    # Good Friday 30 Apr 2027, Holy Saturday + Labour Day, Easter Sunday, Easter Monday,
    # Labour Day observed on Tuesday 4 May: the office reopens on Wednesday 5 May.
    assert bg.next_working_day(date(2027, 4, 30)) == date(2027, 5, 5)


def test_another_weekend_is_honoured():
    friday_saturday = OfficeCalendar("BG", (4, 5))
    assert friday_saturday.closed_reason(date(2026, 6, 12)) == "Friday"
    assert friday_saturday.is_working_day(date(2026, 6, 14))  # a Sunday


def test_from_settings_uses_office_country_weekend_and_closures():
    settings = load_settings(REPO / "config.yaml", env={}).replace(closures=(date(2026, 6, 10),))
    cal = OfficeCalendar.from_settings(settings)
    assert cal.country == settings.office_country
    assert cal.weekend == settings.weekend
    assert cal.closed_reason(date(2026, 6, 10)) == "office closure"


def test_subdivision_holidays_apply_only_to_that_subdivision():
    # Epiphany (Tuesday 6 Jan 2026) is a public holiday in Bavaria, not in Berlin.
    bavaria = OfficeCalendar("DE", SAT_SUN, subdivision="BY")
    berlin = OfficeCalendar("DE", SAT_SUN, subdivision="BE")
    assert bavaria.closed_reason(date(2026, 1, 6)) == "Epiphany"
    assert berlin.is_working_day(date(2026, 1, 6))


def test_unknown_country_is_refused_naming_it():
    with pytest.raises(ValueError, match=r"'XX'.*two-letter"):
        OfficeCalendar("XX", SAT_SUN)


def test_unknown_subdivision_is_refused_naming_it():
    with pytest.raises(ValueError, match=r"'BG' has no subdivision 'ZZ'"):
        OfficeCalendar("BG", SAT_SUN, subdivision="ZZ")


@pytest.mark.parametrize(
    ("weekend", "message"),
    [((5, 7), r"0 \(Monday\) to 6 \(Sunday\), not \[7\]"), (tuple(range(7)), "never be open")],
)
def test_impossible_weekend_is_refused(weekend, message):
    with pytest.raises(ValueError, match=message):
        OfficeCalendar("BG", weekend)


def test_closures_must_be_dates():
    with pytest.raises(ValueError, match="closures are dates"):
        OfficeCalendar("BG", SAT_SUN, closures=("2026-07-15",))


def test_datetime_is_refused_because_its_day_depends_on_a_time_zone(bg):
    with pytest.raises(ValueError, match="give a date"):
        bg.is_working_day(datetime(2026, 6, 10, 23, 30))


def test_year_outside_the_holiday_data_is_refused_not_treated_as_holiday_free(bg):
    assert (bg.first_year, bg.last_year) == (1991, 2100)
    with pytest.raises(ValueError, match="known for 1991-2100 only, not 2101"):
        bg.is_working_day(date(2101, 3, 1))


def test_holidays_of_a_year_are_loaded_once_and_kept(bg):
    first = bg.holidays_of(2031)
    assert bg.holidays_of(2031) is first
    assert first[date(2031, 12, 25)] == "Christmas Day"


def test_holiday_names_do_not_follow_the_process_locale(monkeypatch):
    monkeypatch.setenv("LANGUAGE", "bg")
    monkeypatch.setenv("LANG", "bg_BG.UTF-8")
    assert OfficeCalendar("BG", SAT_SUN).closed_reason(date(2026, 12, 25)) == "Christmas Day"


def test_holiday_names_in_a_chosen_language():
    in_bulgarian = OfficeCalendar("BG", SAT_SUN, language="bg")
    assert in_bulgarian.closed_reason(date(2026, 12, 25)) == "Рождество Христово"


def test_unsupported_holiday_language_is_refused_listing_the_choices():
    with pytest.raises(ValueError, match=r"available in .*en_US.*not 'xx'"):
        OfficeCalendar("BG", SAT_SUN, language="xx")
