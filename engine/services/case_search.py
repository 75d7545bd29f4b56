"""Case search: find cases in the register by number, applicant, mark or title, class, status,
right type and filing date, a page at a time; and jump to one case by its application number.

A page costs a fixed number of queries however many rows it shows: the count, the rows (title
and first applicant come with them), the register's statuses, and one query per class table
for the page's cases. Text criteria match case-insensitively with the user's `%` and `_` taken
literally (LIKE wildcards in the input are escaped).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from math import ceil
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models.cases import Case, DesignDetails, GoodsServices, IpcClass, Party, PartyRole, RightType, TrademarkDetails
from engine.errors import InvalidInput

SORTS = ("filed", "number", "title")
PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_TEXT = 200
# Locarno classes run 01..32, plus 99 (miscellaneous).
LOCARNO_CLASSES = frozenset([*range(1, 33), 99])

_IPC = re.compile(r"([A-H])(?:(\d{2})(?:([A-Z])(?:\s*(\d{1,4})(?:\s*/\s*(\d{0,6}))?)?)?)?")
_LOCARNO = re.compile(r"(\d{1,2})\s*-\s*(\d{1,2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLASS_HELP = "Give a Nice class like 9, an IPC symbol like A61K or a Locarno class like 07-01."


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
                ("page", self.page >= 1, "Give a page number of 1 or more."),
                ("per_page", 1 <= self.per_page <= MAX_PER_PAGE, f"Show from 1 to {MAX_PER_PAGE} cases a page."),
                ("sort", self.sort in SORTS, "Sort by filed, number or title."),
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


@dataclass(frozen=True)
class CaseRow:
    case_id: int
    number: str | None  # None until the process numbers the case
    right_type: str
    title: str  # a trademark's verbal element, else the title
    applicant: str | None  # the first applicant named
    status: str
    filing_date: date
    classes: tuple[str, ...]  # Nice classes ('3', '35'), IPC symbols, or the Locarno class


@dataclass(frozen=True)
class CaseSearchPage:
    rows: tuple[CaseRow, ...]
    total: int
    page: int
    pages: int
    query: CaseQuery
    statuses: tuple[str, ...]  # every status in the register, for the status choice
    exact_match: int | None = None  # the case a number-only query names exactly (the jump target)


def search_cases(ctx: Ipflow, query: CaseQuery) -> CaseSearchPage:
    """One page of the cases that meet every criterion of `query`, sorted as it asks."""
    with ctx.db.reading() as session:
        conditions = _conditions(query)
        total = session.scalar(_joined(select(func.count(Case.id))).where(*conditions)) or 0
        title = func.coalesce(TrademarkDetails.verbal_element, Case.title)
        first_applicant = (
            select(Party.name)
            .where(Party.case_id == Case.id, Party.role == PartyRole.APPLICANT)
            .order_by(Party.position)
            .limit(1)
            .correlate(Case)
            .scalar_subquery()
        )
        order = {
            "filed": (Case.filing_date.desc(), Case.id.desc()),
            "number": (Case.application_number.is_(None), Case.application_number, Case.id),
            "title": (func.lower(title), Case.id),
        }[query.sort]
        found = session.execute(
            _joined(
                select(Case.id, Case.application_number, Case.right_type, title, first_applicant, Case.status, Case.filing_date)
            )
            .where(*conditions)
            .order_by(*order)
            .limit(query.per_page)
            .offset((query.page - 1) * query.per_page)
        ).all()
        classes = _classes(session, [(r[0], r[2]) for r in found])
        return CaseSearchPage(
            rows=tuple(CaseRow(*r, classes=classes.get(r[0], ())) for r in found),
            total=total,
            page=query.page,
            pages=max(1, ceil(total / query.per_page)),
            query=query,
            statuses=_statuses(session),
            exact_match=_by_number(session, query.number) if query.is_number_only else None,
        )


def find_case_by_number(ctx: Ipflow, number: str) -> int | None:
    """The id of the case with exactly this application number (spaces and case ignored), or None."""
    with ctx.db.reading() as session:
        return _by_number(session, number)


def case_statuses(ctx: Ipflow) -> tuple[str, ...]:
    """Every status a case in the register has, for a status choice (the search form on bad input)."""
    with ctx.db.reading() as session:
        return _statuses(session)


def _statuses(session: Session) -> tuple[str, ...]:
    return tuple(session.scalars(select(Case.status).distinct().order_by(Case.status)))


# People type 40-2026-000012 as "40 2026 000012", "402026000012" or "40/2026/000012".
NUMBER_SEPARATORS = (" ", "-", "/", ".")


def normalise_number(text: str) -> str:
    """An application number as people type it, made comparable: no separators, upper case."""
    text = "".join(text.split())
    for separator in NUMBER_SEPARATORS:
        text = text.replace(separator, "")
    return text.upper()


# Criteria -------------------------------------------------------------------------------------


def _joined(statement: Select) -> Select:
    # The mark's verbal element is searched and shown, so the trademark row rides along (1:1).
    return statement.select_from(Case).outerjoin(TrademarkDetails, TrademarkDetails.case_id == Case.id)


def _number_column() -> ColumnElement[str]:
    column: ColumnElement[str] = Case.application_number
    for separator in NUMBER_SEPARATORS:
        column = func.replace(column, separator, "")
    return func.upper(column)


def _by_number(session: Session, number: str) -> int | None:
    wanted = normalise_number(number)
    if not wanted:
        return None
    ids = session.scalars(select(Case.id).where(_number_column() == wanted).limit(2)).all()
    return ids[0] if len(ids) == 1 else None


def _conditions(query: CaseQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.number:
        where.append(_number_column().startswith(normalise_number(query.number), autoescape=True))
    if query.applicant:
        where.append(
            select(Party.id)
            .where(
                Party.case_id == Case.id,
                Party.role == PartyRole.APPLICANT,
                Party.name.icontains(query.applicant, autoescape=True),
            )
            .exists()
        )
    if query.text:
        where.append(
            or_(
                TrademarkDetails.verbal_element.icontains(query.text, autoescape=True),
                Case.title.icontains(query.text, autoescape=True),
            )
        )
    if query.class_:
        try:
            where.append(_class_condition(_class(query.class_)))
        except ValueError as exc:
            raise InvalidInput("the search has mistakes", {"class": [str(exc)]}) from None
    if query.status:
        where.append(Case.status == query.status)
    if query.right_type:
        where.append(Case.right_type == query.right_type)
    if query.filed_from:
        where.append(Case.filing_date >= query.filed_from)
    if query.filed_to:
        where.append(Case.filing_date <= query.filed_to)
    return where


def _class_condition(value: str) -> ColumnElement[bool]:
    """Match by the value's shape: a number is a Nice class and/or a Locarno class, 'dd-dd' a
    Locarno subclass, anything else an IPC symbol prefix."""
    if value.isdigit():
        n = int(value)
        either = []
        if 1 <= n <= 45:
            either.append(Case.id.in_(select(GoodsServices.case_id).where(GoodsServices.nice_class == n)))
        if n in LOCARNO_CLASSES:
            prefix = f"{n:02d}-"
            either.append(Case.id.in_(select(DesignDetails.case_id).where(DesignDetails.locarno_class.startswith(prefix))))
        return or_(*either) if either else false()
    if _LOCARNO.fullmatch(value):
        return Case.id.in_(select(DesignDetails.case_id).where(DesignDetails.locarno_class == value))
    return Case.id.in_(select(IpcClass.case_id).where(IpcClass.symbol.startswith(value, autoescape=True)))


def _classes(session: Session, cases: list[tuple[int, str]]) -> dict[int, tuple[str, ...]]:
    """The classes of the page's cases: one query per class table that the page needs."""
    ids = {kind: [case_id for case_id, right in cases if right == kind] for kind in RightType}
    found: dict[int, list[str]] = {}
    if ids[RightType.TRADEMARK]:
        rows = session.execute(
            select(GoodsServices.case_id, GoodsServices.nice_class)
            .where(GoodsServices.case_id.in_(ids[RightType.TRADEMARK]))
            .order_by(GoodsServices.case_id, GoodsServices.nice_class)
        )
        for case_id, nice_class in rows:
            found.setdefault(case_id, []).append(str(nice_class))
    if ids[RightType.PATENT]:
        rows = session.execute(
            select(IpcClass.case_id, IpcClass.symbol)
            .where(IpcClass.case_id.in_(ids[RightType.PATENT]))
            .order_by(IpcClass.case_id, IpcClass.position)
        )
        for case_id, symbol in rows:
            found.setdefault(case_id, []).append(symbol)
    if ids[RightType.DESIGN]:
        rows = session.execute(
            select(DesignDetails.case_id, DesignDetails.locarno_class).where(DesignDetails.case_id.in_(ids[RightType.DESIGN]))
        )
        for case_id, locarno in rows:
            found.setdefault(case_id, []).append(locarno)
    return {case_id: tuple(values) for case_id, values in found.items()}


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


def _class(value: str) -> str:
    """The canonical form of a class criterion: '9', '07-01', 'A61K 31/'."""
    value = value.upper()
    if value.isdigit():
        n = int(value)
        if 1 <= n <= 45 or n in LOCARNO_CLASSES:
            return str(n)
        raise ValueError("Nice classes run from 1 to 45.")
    if match := _LOCARNO.fullmatch(value):
        return f"{int(match[1]):02d}-{int(match[2]):02d}"
    if match := _IPC.fullmatch(value):
        section, klass, subclass, group, subgroup = match.groups()
        symbol = section + (klass or "") + (subclass or "")
        if group:
            # 'A61K 31' means main group 31, not 310: the group is closed by its slash.
            symbol += f" {group}/" + (subgroup or "")
        return symbol
    raise ValueError(_CLASS_HELP)


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


def _page(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise ValueError("Give a page number of 1 or more.")
    return int(value)


def _per_page(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_PER_PAGE:
        raise ValueError(f"Show from 1 to {MAX_PER_PAGE} cases a page.")
    return int(value)


def _sort(value: str) -> str:
    if value not in SORTS:
        raise ValueError("Sort by filed, number or title.")
    return value


_PARSERS = {
    "number": _number,
    "applicant": _text,
    "text": _text,
    "class_": _class,
    "status": _text,
    "right_type": _right_type,
    "filed_from": _date,
    "filed_to": _date,
    "page": _page,
    "per_page": _per_page,
    "sort": _sort,
}
