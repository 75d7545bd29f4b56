"""What the instance monitor's filters say, read from the query string and checked once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date

from engine.db.models import InstanceStatus
from engine.errors import InvalidInput

ACTIVE = "active"  # running, suspended or in error: every instance someone may still act on
STATUSES = (ACTIVE, *(str(s) for s in InstanceStatus))
PER_PAGE = 50
MAX_PAGE = 10_000


@dataclass(frozen=True)
class MonitorQuery:
    process: str = ""
    version: int | None = None
    status: str = ACTIVE
    activity: str = ""  # an element id the instance is at now
    incident: bool = False
    started_from: date | None = None  # on or after this day (office time)
    started_before: date | None = None  # before this day began
    case: str = ""  # the whole application number (business key)
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> MonitorQuery:
        """The filters of a request's query string; InvalidInput names each field that is wrong."""
        errors: dict[str, list[str]] = {}
        text = {name: (args.get(name) or "").strip() for name in ("process", "activity", "case", "status")}
        status = text["status"] or (ACTIVE if "status" not in args else "")
        if status and status not in STATUSES:
            errors["status"] = [f"Choose one of: {', '.join(STATUSES)}, or any."]
        for name in ("process", "activity", "case"):
            if len(text[name]) > 255:
                errors[name] = ["Use at most 255 characters."]
        version = _whole(args.get("version"), "version", errors)
        page = _whole(args.get("page"), "page", errors) or 1
        if page > MAX_PAGE:
            errors["page"] = [f"Pages run up to {MAX_PAGE}; narrow the filters."]
        started_from = _day(args.get("started_from"), "started_from", errors)
        started_before = _day(args.get("started_before"), "started_before", errors)
        if version is not None and not text["process"]:
            errors["version"] = ["Choose the process the version belongs to."]
        if errors:
            raise InvalidInput("the filters have mistakes", errors)
        return cls(text["process"], version, status, text["activity"], args.get("incident") in ("1", "on", "yes", "true"),
                   started_from, started_before, text["case"], page)  # fmt: skip

    def args(self, **overrides) -> dict[str, str]:
        """The query string that gives this query again (with `overrides`), for links."""
        query = replace(self, **overrides)
        out: dict[str, str] = {}
        for f in fields(query):
            value = getattr(query, f.name)
            if f.name == "per_page" or value in (None, "", False) or (f.name == "page" and value == 1):
                continue
            out[f.name] = "1" if value is True else value.isoformat() if isinstance(value, date) else str(value)
        out.setdefault("status", "")  # "any status" must survive a round trip, the default is active
        return out


def _whole(raw: str | None, name: str, errors: dict[str, list[str]]) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 2**31 - 1:
        errors[name] = [f"Give a whole number of 1 or more, not {raw[:20]!r}."]
        return None
    return int(raw)


def _day(raw: str | None, name: str, errors: dict[str, list[str]]) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = [f"Give a date as YYYY-MM-DD, not {raw[:20]!r}."]
        return None


__all__ = ["ACTIVE", "STATUSES", "MonitorQuery"]
