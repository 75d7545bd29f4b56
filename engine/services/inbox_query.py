"""What a person asks the inbox for: the tab, filters, sort and page, as a query string, a form or
a saved filter gives them. Parsing is strict: a bad value or an unknown key is refused with
InvalidInput naming its field, so the inbox can show the message next to that filter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any

from engine.db.models import RightType
from engine.errors import InvalidInput

TABS = ("mine", "groups", "all")
SORTS = ("due", "-due", "created", "-created", "priority", "case")
RIGHT_TYPES = tuple(str(r) for r in RightType)
MAX_PER_PAGE = 100
MAX_TEXT = 200
_TRUE, _FALSE = {"1", "true", "on", "yes"}, {"", "0", "false", "off", "no"}


@dataclass(frozen=True)
class InboxQuery:
    """What a person asked the inbox for; the query string's shape, and a saved filter's."""

    tab: str = "mine"
    right_type: str | None = None
    task: str | None = None  # a BPMN element id
    due_from: date | None = None  # office dates, both ends included
    due_to: date | None = None
    overdue: bool = False
    text: str | None = None
    sort: str = "due"
    page: int = 1
    per_page: int = 25

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> InboxQuery:
        """Strict: an unknown key or a bad value is refused with InvalidInput naming its field."""
        errors = {key: ["Not an inbox filter."] for key in values if key not in _PARSERS}
        parsed: dict[str, Any] = {}
        for name, parse in _PARSERS.items():
            if name in values:
                try:
                    parsed[name] = parse(values[name])
                except ValueError as exc:
                    errors[name] = [str(exc)]
        start, end = parsed.get("due_from"), parsed.get("due_to")
        if start and end and start > end:
            errors.setdefault("due_to", []).append("Give a date on or after the 'due from' date.")
        if errors:
            raise InvalidInput("the inbox filter is not valid", errors)
        return cls(**parsed)

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> InboxQuery:
        """From a query string or a form: keys that are not filters (csrf_token, next) are left out."""
        return cls.from_dict({name: args.get(name) for name in _PARSERS if name in args})

    def as_dict(self) -> dict[str, Any]:
        """The values that differ from the defaults, JSON-ready (dates as ISO strings)."""
        default = InboxQuery()
        out = {}
        for name, value in asdict(self).items():
            if value != getattr(default, name):
                out[name] = value.isoformat() if isinstance(value, date) else value
        return out

    def replace(self, **changes: Any) -> InboxQuery:
        return replace(self, **changes)

    @property
    def filtered(self) -> bool:
        """Whether anything narrows the tab (then the total is counted; else it is the tab's count)."""
        return bool(self.right_type or self.task or self.due_from or self.due_to or self.overdue or self.text)


def _choice(options: tuple[str, ...], default: str | None):
    def parse(value: Any) -> str | None:
        if value is None or value == "":
            return default
        if value not in options:
            raise ValueError(f"Choose one of: {', '.join(options)}.")
        return value

    return parse


def _element_id(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 255:
        raise ValueError("Choose a task from the list.")
    return value


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError("Give a date as YYYY-MM-DD.") from None


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ValueError("Tick the box or leave it empty.")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise ValueError(f"Search for at most {MAX_TEXT} characters.")
    return text or None


def _whole(low: int, high: int, default: int):
    def parse(value: Any) -> int:
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
            raise ValueError(f"Give a whole number from {low} to {high}.")
        number = int(value)
        if not low <= number <= high:
            raise ValueError(f"Give a whole number from {low} to {high}.")
        return number

    return parse


_PARSERS = {
    "tab": _choice(TABS, "mine"),
    "right_type": _choice(RIGHT_TYPES, None),
    "task": _element_id,
    "due_from": _date,
    "due_to": _date,
    "overdue": _flag,
    "text": _text,
    "sort": _choice(SORTS, "due"),
    "page": _whole(1, 1_000_000, 1),
    "per_page": _whole(1, MAX_PER_PAGE, 25),
}
assert set(_PARSERS) == {f.name for f in fields(InboxQuery)}
