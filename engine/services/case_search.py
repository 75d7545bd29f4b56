"""Case search: find cases in the register by number, applicant, mark or title, class, status,
right type and filing date, a page at a time; and jump to one case by its application number.

A page costs a fixed number of queries however many rows it shows: the count, the rows (title
and first applicant come with them), the register's statuses, and one query per class table
for the page's cases. Text criteria match case-insensitively with the user's `%` and `_` taken
literally (LIKE wildcards in the input are escaped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models.cases import Case, DesignDetails, GoodsServices, IpcClass, Party, PartyRole, RightType, TrademarkDetails
from engine.errors import InvalidInput
from engine.services.case_columns import first_applicant
from engine.services.case_query import (
    LOCARNO_CLASSES,
    LOCARNO_SUBCLASS,
    NUMBER_SEPARATORS,
    CaseQuery,
    canonical_class,
    normalise_number,
)
from engine.services.paging import page_count, page_of


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
        order = {
            "filed": (Case.filing_date.desc(), Case.id.desc()),
            "number": (Case.application_number.is_(None), Case.application_number, Case.id),
            "title": (func.lower(title), Case.id),
        }[query.sort]
        columns = (Case.id, Case.application_number, Case.right_type, title, first_applicant(), Case.status, Case.filing_date)
        found = session.execute(
            page_of(_joined(select(*columns)).where(*conditions).order_by(*order), query.page, query.per_page)
        ).all()
        classes = _classes(session, [(r[0], r[2]) for r in found])
        return CaseSearchPage(
            rows=tuple(CaseRow(*r, classes=classes.get(r[0], ())) for r in found),
            total=total,
            page=query.page,
            pages=page_count(total, query.per_page),
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


# Criteria -------------------------------------------------------------------------------------


def _joined(statement: Select) -> Select:
    # The mark's verbal element is searched and shown, so the trademark row rides along (1:1).
    return statement.select_from(Case).outerjoin(TrademarkDetails, TrademarkDetails.case_id == Case.id)


def comparable_number() -> ColumnElement[str]:
    """The application number in SQL as normalise_number writes it in Python."""
    column: ColumnElement[str] = Case.application_number
    for separator in NUMBER_SEPARATORS:
        column = func.replace(column, separator, "")
    return func.upper(column)


def _by_number(session: Session, number: str) -> int | None:
    wanted = normalise_number(number)
    if not wanted:
        return None
    ids = session.scalars(select(Case.id).where(comparable_number() == wanted).limit(2)).all()
    return ids[0] if len(ids) == 1 else None


def _conditions(query: CaseQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if query.number:
        where.append(comparable_number().startswith(normalise_number(query.number), autoescape=True))
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
            where.append(_class_condition(canonical_class(query.class_)))
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
    if LOCARNO_SUBCLASS.fullmatch(value):
        return Case.id.in_(select(DesignDetails.case_id).where(DesignDetails.locarno_class == value))
    return Case.id.in_(select(IpcClass.case_id).where(IpcClass.symbol.startswith(value, autoescape=True)))


# Per right type, the table of its classes: (its case id, the class, the order a case lists them in).
_CLASS_TABLES = {
    RightType.TRADEMARK: (GoodsServices.case_id, GoodsServices.nice_class, (GoodsServices.case_id, GoodsServices.nice_class)),
    RightType.PATENT: (IpcClass.case_id, IpcClass.symbol, (IpcClass.case_id, IpcClass.position)),
    RightType.DESIGN: (DesignDetails.case_id, DesignDetails.locarno_class, ()),  # one a case
}


def _classes(session: Session, cases: list[tuple[int, str]]) -> dict[int, tuple[str, ...]]:
    """The classes of the page's cases: one query per class table that the page needs."""
    found: dict[int, list[str]] = {}
    for kind, (case_id, klass, order) in _CLASS_TABLES.items():
        ids = [case for case, right in cases if right == kind]
        if ids:
            for case, value in session.execute(select(case_id, klass).where(case_id.in_(ids)).order_by(*order)):
                found.setdefault(case, []).append(str(value))
    return {case: tuple(values) for case, values in found.items()}
