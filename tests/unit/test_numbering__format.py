"""ST.13 application numbers are written and read back by the office's configured format."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.numbering import format_number, parse_number

OFFICE = "{code}-{year}-{serial:06d}"
CODES = ("40", "10", "50")


def test_the_office_format_writes_the_domain_example():
    assert format_number(OFFICE, "40", 2026, 123) == "40-2026-000123"
    assert parse_number(OFFICE, "40-2026-000123") == ("40", 2026, 123)


def test_serials_wider_than_the_padding_still_read_back():
    assert format_number(OFFICE, "10", 2026, 1234567) == "10-2026-1234567"
    assert parse_number(OFFICE, "10-2026-1234567") == ("10", 2026, 1234567)


@given(
    fmt=st.sampled_from([OFFICE, "{code}{year}{serial:06d}", "{year}/{code}/{serial}", "BG {code}.{year}.{serial:07d}"]),
    code=st.sampled_from(CODES),
    year=st.integers(1000, 9999),
    serial=st.integers(1, 10**9),
)
def test_format_then_parse_gives_the_same_parts(fmt, code, year, serial):
    assert parse_number(fmt, format_number(fmt, code, year, serial), codes=CODES) == (code, year, serial)


def test_a_format_without_separators_is_split_by_the_known_codes():
    assert parse_number("{code}{year}{serial:06d}", "402026000123", codes=CODES) == ("40", 2026, 123)


@pytest.mark.parametrize(
    "text",
    [
        "40-2026-00123",  # too few digits for the padding
        "40-2026-0000123",  # zero-padded beyond the format: not how the office writes it
        "40-26-000123",  # two-digit year
        "40-2026-000000",  # serials start at 1
        "40/2026/000123",  # other separators
        "40-2026-000123x",
        "",
    ],
)
def test_text_not_written_by_the_format_is_refused(text):
    with pytest.raises(ValueError, match="application number|the way this office writes"):
        parse_number(OFFICE, text)


def test_a_code_the_office_does_not_use_is_refused_when_codes_are_given():
    with pytest.raises(ValueError):
        parse_number(OFFICE, "99-2026-000001", codes=CODES)
    assert parse_number(OFFICE, "99-2026-000001") == ("99", 2026, 1)


@pytest.mark.parametrize(
    ("fmt", "complaint"),
    [
        ("{code}-{serial:06d}", "lacks {year}"),
        ("{code}-{year}-{serial:6d}", "zero-padded"),
        ("{code}-{year}-{x}-{serial}", "once"),
    ],
)
def test_a_format_that_cannot_be_read_back_says_why(fmt, complaint):
    with pytest.raises(ValueError, match=complaint):
        parse_number(fmt, "40-2026-000001")


@pytest.mark.parametrize(("year", "serial"), [(2026, 0), (2026, -1), (26, 1), (20260, 1)])
def test_impossible_parts_are_not_formatted(year, serial):
    with pytest.raises(ValueError):
        format_number(OFFICE, "40", year, serial)
