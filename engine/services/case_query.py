"""What a person searches the register for: a case search's criteria, paging and sort, parsed
from request arguments (blank means "any"; a bad value is refused with InvalidInput naming its
field), and the canonical forms of application numbers and class symbols that the search compares.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, ClassVar

from engine.db.models.cases import RightType
from engine.errors import InvalidInput

SORTS = ("filed", "number", "title")
PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_TEXT = 200
# Locarno classes run 01..32, plus 99 (miscellaneous).
LOCARNO_CLASSES = frozenset([*range(1, 33), 99])
LOCARNO_SUBCLASS = re.compile(r"(\d{1,2})\s*-\s*(\d{1,2})")
# People type 40-2026-000012 as "40 2026 000012", "402026000012" or "40/2026/000012".
NUMBER_SEPARATORS = (" ", "-", "/", ".")

_IPC = re.compile(r"([A-H])(?:(\d{2})(?:([A-Z])(?:\s*(\d{1,4})(?:\s*/\s*(\d{0,6}))?)?)?)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLASS_HELP = "Give a Nice class like 9, an IPC symbol like A61K or a Locarno class like 07-01."
_PAGE_HELP = "Give a page number of 1 or more."
_PER_PAGE_HELP = f"Show from 1 to {MAX_PER_PAGE} cases a page."
_SORT_HELP = "Sort by filed, number or title."


@dataclass(frozen=True)
class CaseQuery:
    """What a person searches for; None means "any". Build it from request args with `from_args`."""

    number: str | None = None  # normalised: no spaces, upper case; matches exactly or as a prefix
    applicant: str | None = None
    text: str | None = None
    class_: str | None = None  # Nice class '9', IPC prefix 'A61K 31/', Locarno '07-01', in canonical form
    status: str | None = None
    right_type: str | None = None
    filed_from: date | None = None
    filed_to: date | None = None
    page: int = 1
    per_page: int = PER_PAGE
    sort: str = "filed"

    # The request argument of each field ("class" is a Python keyword).
    ARGS: ClassVar[dict[str, str]] = {"class_": "class"}
    CRITERIA: ClassVar[tuple[str, ...]] = (
        "number",
        "applicant",
        "text",
        "class_",
        "status",
        "right_type",
        "filed_from",
        "filed_to",
    )

    def __post_init__(self) -> None:
        # Paging and sort feed arithmetic and a lookup: refuse a query built in code with bad ones.
        problems = {
            name: [message]
            for name, ok, message in (
                ("page", self.page >= 1, _PAGE_HELP),
                ("per_page", 1 <= self.per_page <= MAX_PER_PAGE, _PER_PAGE_HELP),
                ("sort", self.sort in SORTS, _SORT_HELP),
            )
            if not ok
        }
        if problems:
            raise InvalidInput("the search has mistakes", problems)

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> CaseQuery:
        """Parse request arguments; blank ones mean "any". Raises InvalidInput naming each bad field."""
        errors: dict[str, list[str]] = {}
        values: dict[str, Any] = {}
        for f in fields(cls):
            name = cls.ARGS.get(f.name, f.name)
            raw = args.get(name)
            text = raw.strip() if isinstance(raw, str) else ""
            if not text:
                continue
            try:
                values[f.name] = _PARSERS[f.name](text)
            except ValueError as exc:
                errors[name] = [str(exc)]
        start, end = values.get("filed_from"), values.get("filed_to")
        if start and end and end < start:
            errors.setdefault("filed_to", []).append(f"{end} is before the start date {start}.")
        if errors:
            raise InvalidInput("the search has mistakes", errors)
        return cls(**values)

    @property
    def criteria(self) -> dict[str, Any]:
        """The criteria that are set, by field name (paging and sort are not criteria)."""
        return {name: getattr(self, name) for name in self.CRITERIA if getattr(self, name) is not None}

    @property
    def is_number_only(self) -> bool:
        """Just a number, as the top-bar jump sends it."""
        return list(self.criteria) == ["number"]

    def to_args(self) -> dict[str, str]:
        """Request arguments that give this query back (without the page, defaults left out)."""
        args = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name != "page" and value is not None and value != f.default:
                args[self.ARGS.get(f.name, f.name)] = value.isoformat() if isinstance(value, date) else str(value)
        return args


def normalise_number(text: str) -> str:
    """An application number as people type it, made comparable: no separators, upper case."""
    text = "".join(text.split())
    for separator in NUMBER_SEPARATORS:
        text = text.replace(separator, "")
    return text.upper()


def canonical_class(value: str) -> str:
    """The canonical form of a class criterion: '9', '07-01', 'A61K 31/'; ValueError saying what to give."""
    value = value.upper()
    if value.isdigit():
        n = int(value)
        if 1 <= n <= 45 or n in LOCARNO_CLASSES:
            return str(n)
        raise ValueError("Nice classes run from 1 to 45.")
    if match := LOCARNO_SUBCLASS.fullmatch(value):
        return f"{int(match[1]):02d}-{int(match[2]):02d}"
    if match := _IPC.fullmatch(value):
        section, klass, subclass, group, subgroup = match.groups()
        symbol = section + (klass or "") + (subclass or "")
        if group:
            # 'A61K 31' means main group 31, not 310: the group is closed by its slash.
            symbol += f" {group}/" + (subgroup or "")
        return symbol
    raise ValueError(_CLASS_HELP)


# Parsing request arguments ------------------------------------------------------------------


def _text(value: str) -> str:
    if len(value) > MAX_TEXT:
        raise ValueError(f"Use at most {MAX_TEXT} characters.")
    return value


def _number(value: str) -> str:
    if len(value) > 64:
        raise ValueError("An application number has at most 64 characters.")
    if not normalise_number(value):
        raise ValueError("Give the application number, e.g. 40-2026-000012.")
    return " ".join(value.split())  # kept as typed (shown back in the form); compared normalised


def _right_type(value: str) -> str:
    value = value.lower()
    if value not in {r.value for r in RightType}:
        raise ValueError("Choose trademark, patent or design.")
    return value


def _date(value: str) -> date:
    try:
        if not _DATE.fullmatch(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("Give a date as YYYY-MM-DD.") from None


def _whole(low: int, high: int | None, message: str):
    """A parser of whole numbers from `low` to `high` (None: no upper bound)."""

    def parse(value: str) -> int:
        if not value.isdigit() or int(value) < low or (high is not None and int(value) > high):
            raise ValueError(message)
        return int(value)

    return parse


def _sort(value: str) -> str:
    if value not in SORTS:
        raise ValueError(_SORT_HELP)
    return value


_PARSERS = {
    "number": _number,
    "applicant": _text,
    "text": _text,
    "class_": canonical_class,
    "status": _text,
    "right_type": _right_type,
    "filed_from": _date,
    "filed_to": _date,
    "page": _whole(1, None, _PAGE_HELP),
    "per_page": _whole(1, MAX_PER_PAGE, _PER_PAGE_HELP),
    "sort": _sort,
}
