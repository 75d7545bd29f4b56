"""ST.13 application numbers: IP-type code + year + serial, laid out by the office's format.

The layout is configuration (`numbering.format`, e.g. "{code}-{year}-{serial:06d}"), so both
directions are driven by the format string: `format_number` fills it, `parse_number` reads a
number back and accepts only the exact text `format_number` would have produced.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from string import Formatter

FIELDS = ("code", "year", "serial")
_INT_SPEC = re.compile(r"(?P<zero>0?)(?P<width>\d*)d?")


def format_number(fmt: str, code: str, year: int, serial: int) -> str:
    """The application number for `serial` of `year` under the IP-type `code`."""
    if not 1000 <= year <= 9999:
        raise ValueError(f"year must have four digits, not {year}")
    if serial < 1:
        raise ValueError(f"serials start at 1, not {serial}")
    return fmt.format(code=code, year=year, serial=serial)


def parse_number(fmt: str, text: str, codes: Iterable[str] | None = None) -> tuple[str, int, int]:
    """(code, year, serial) of an application number written in `fmt`, or ValueError.

    Give the office's `codes` when the format has no separator after {code}: "402026000123"
    can only be split once the codes are known.
    """
    pattern = _pattern(fmt, None if codes is None else tuple(codes))
    match = pattern.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not an application number in the form {fmt.format(code='CC', year=2026, serial=1)!r}")
    code, year, serial = match["code"], int(match["year"]), int(match["serial"])
    if serial < 1 or format_number(fmt, code, year, serial) != text.strip():
        raise ValueError(f"{text!r} is not written the way this office writes numbers ({fmt!r})")
    return code, year, serial


def _pattern(fmt: str, codes: tuple[str, ...] | None) -> re.Pattern[str]:
    parts: list[str] = []
    seen: set[str] = set()
    for literal, name, spec, conversion in Formatter().parse(fmt):
        parts.append(re.escape(literal))
        if name is None:
            continue
        if name not in FIELDS or name in seen or conversion:
            raise ValueError(f"numbering format {fmt!r}: use each of {{code}}, {{year}}, {{serial}} once, without conversions")
        seen.add(name)
        parts.append(f"(?P<{name}>{_field_regex(fmt, name, spec or '', codes)})")
    missing = [f for f in FIELDS if f not in seen]
    if missing:
        raise ValueError(f"numbering format {fmt!r} lacks {', '.join('{' + m + '}' for m in missing)}")
    return re.compile("".join(parts))


def _field_regex(fmt: str, name: str, spec: str, codes: tuple[str, ...] | None) -> str:
    if name == "code":
        if spec:
            raise ValueError(f"numbering format {fmt!r}: {{code}} takes no format spec")
        return "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True)) if codes else r"[A-Za-z0-9]+?"
    spec_match = _INT_SPEC.fullmatch(spec)
    if spec_match is None or (spec_match["width"] and not spec_match["zero"]):
        raise ValueError(f"numbering format {fmt!r}: {{{name}:{spec}}} is not a zero-padded whole number like {{{name}:06d}}")
    if name == "year":
        return r"\d{4}"
    width = int(spec_match["width"] or 1)
    return rf"\d{{{width},}}"
