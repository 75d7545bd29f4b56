"""Cases: file a new one, and read one back as a summary for the inbox, the case page and the API.

Both work inside the caller's unit of work (`session`); neither commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from engine.clock import Clock
from engine.db.models.case_records import Deadline, DeadlineStatus, Document, FeeSheet, Payment, Publication, RegisterEntry
from engine.db.models.cases import (
    Case,
    DesignDetails,
    DesignItem,
    GoodsServices,
    IpcClass,
    Party,
    PartyRole,
    PatentDetails,
    PriorityClaim,
    RightType,
    TrademarkDetails,
)
from engine.domain.case_schemas import load_case
from engine.errors import NotFound
from engine.settings import Settings

FILED = "filed"
V = TypeVar("V")


def office_today(clock: Clock, settings: Settings) -> date:
    """Today in the office's time zone: legal dates are the office's dates, not UTC's."""
    return clock.now().astimezone(ZoneInfo(settings.office_timezone)).date()


def create_case(session: Session, clock: Clock, settings: Settings, right_type: str, data: Mapping[str, Any]) -> Case:
    """Validate a new application and store it with status 'filed', not yet numbered.

    Raises InvalidInput naming every wrong field by its path (`applicants.0.country`) before
    anything is written.
    """
    clean = load_case(right_type, data, office_today(clock, settings))
    now = clock.now()
    case = Case(
        right_type=right_type,
        status=FILED,
        filing_date=clean["filing_date"],
        title=clean["title"],
        created_at=now,
        updated_at=now,
        details=clean["details"],
    )
    case.parties = _parties(PartyRole.APPLICANT, clean["applicants"])
    if clean["representative"]:
        case.parties += _parties(PartyRole.REPRESENTATIVE, [clean["representative"]])
    case.priority_claims = [
        PriorityClaim(country=p["country"], number=p["number"], priority_date=p["date"]) for p in clean["priority_claims"]
    ]
    if right_type == RightType.TRADEMARK:
        case.trademark = TrademarkDetails(
            mark_kind=clean["mark_kind"], mark_type=clean["mark_type"], verbal_element=clean["verbal_element"]
        )
        case.goods_services = [GoodsServices(nice_class=g["nice_class"], terms=g["terms"]) for g in clean["goods_services"]]
    elif right_type == RightType.PATENT:
        case.patent = PatentDetails(
            title=clean["title"],
            abstract=clean["abstract"],
            claims_total=clean["claims_total"],
            claims_independent=clean["claims_independent"],
            pct_number=clean["pct_number"],
            earliest_priority_date=min((p["date"] for p in clean["priority_claims"]), default=None),
        )
        case.ipc_classes = [IpcClass(symbol=s, position=i) for i, s in enumerate(clean["ipc_classes"])]
        case.parties += _parties(PartyRole.INVENTOR, clean["inventors"])
    else:
        case.design = DesignDetails(
            locarno_class=clean["locarno_class"],
            deferment_requested=clean["deferment_requested"],
            deferred_until=clean["deferred_until"],
        )
        case.design_items = [
            DesignItem(number=n, product_indication=d["product_indication"], views=d["views"])
            for n, d in enumerate(clean["designs"], 1)
        ]
        case.parties += _parties(PartyRole.CREATOR, clean["creators"])
    session.add(case)
    session.flush()
    return case


def _parties(role: PartyRole, people: list[dict]) -> list[Party]:
    return [
        Party(role=role, position=i, name=p["name"], address=p["address"], country=p["country"], email=p["email"])
        for i, p in enumerate(people)
    ]


# Read models ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyView:
    role: str
    name: str
    address: str | None
    country: str
    email: str | None


@dataclass(frozen=True)
class PriorityView:
    country: str
    number: str
    date: date


@dataclass(frozen=True)
class FeeSheetView:
    id: int
    kind: str
    currency: str
    total: Decimal
    tariff: str
    computed_at: datetime
    due_date: date | None
    status: str
    lines: tuple[dict, ...]


@dataclass(frozen=True)
class PaymentView:
    id: int
    fee_sheet_id: int | None
    amount: Decimal
    currency: str
    reference: str
    received_at: datetime
    matched: bool


@dataclass(frozen=True)
class DeadlineView:
    id: int
    kind: str
    legal_kind: str
    event_date: date
    due_date: date
    extensions: int


@dataclass(frozen=True)
class DocumentView:
    id: int
    kind: str
    name: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class PublicationView:
    gazette_number: str
    published_on: date
    kind: str


@dataclass(frozen=True)
class RegisterView:
    registration_number: str
    registered_on: date
    term_start: date
    expiry_date: date
    status: str


@dataclass(frozen=True)
class CaseSummary:
    id: int
    number: str | None
    right_type: str
    status: str
    title: str
    filing_date: date
    created_at: datetime
    updated_at: datetime
    instance_id: int | None
    applicants: tuple[PartyView, ...]
    representative: PartyView | None
    others: tuple[PartyView, ...]  # inventors, creators
    priority_claims: tuple[PriorityView, ...]
    classes: tuple[str, ...]  # Nice classes ('9', '35'), IPC symbols, or the Locarno class
    particulars: dict  # right-specific data: mark kind and type, claims counts, deferment ...
    fee_sheets: tuple[FeeSheetView, ...]
    payments: tuple[PaymentView, ...]
    open_deadlines: tuple[DeadlineView, ...]
    documents: tuple[DocumentView, ...]
    publications: tuple[PublicationView, ...]
    register_entry: RegisterView | None

    @property
    def applicant(self) -> PartyView | None:
        return self.applicants[0] if self.applicants else None


def case_summary(session: Session, case_id: int) -> CaseSummary:
    """Everything a person looks at about one case, in a fixed number of queries however big it is."""
    details = (joinedload(Case.trademark), joinedload(Case.patent), joinedload(Case.design))
    case = session.scalars(select(Case).where(Case.id == case_id).options(*details)).one_or_none()
    if case is None:
        raise NotFound(f"no case with id {case_id}")

    def rows(model, *where, order_by):
        return session.scalars(select(model).where(model.case_id == case_id, *where).order_by(*order_by)).all()

    parties = [view_of(PartyView, p) for p in rows(Party, order_by=(Party.role, Party.position))]
    sheet_ids = select(FeeSheet.id).where(FeeSheet.case_id == case_id)
    payments = session.scalars(
        select(Payment)
        .where(or_(Payment.case_id == case_id, Payment.fee_sheet_id.in_(sheet_ids)))
        .order_by(Payment.received_at, Payment.id)
    )
    entry = session.scalars(select(RegisterEntry).where(RegisterEntry.case_id == case_id)).one_or_none()
    classes, particulars = _classes_and_particulars(session, case)
    return CaseSummary(
        id=case.id,
        number=case.application_number,
        right_type=case.right_type,
        status=case.status,
        title=case.title,
        filing_date=case.filing_date,
        created_at=case.created_at,
        updated_at=case.updated_at,
        instance_id=case.instance_id,
        applicants=tuple(p for p in parties if p.role == PartyRole.APPLICANT),
        representative=next((p for p in parties if p.role == PartyRole.REPRESENTATIVE), None),
        others=tuple(p for p in parties if p.role in (PartyRole.INVENTOR, PartyRole.CREATOR)),
        priority_claims=tuple(
            PriorityView(c.country, c.number, c.priority_date)
            for c in rows(PriorityClaim, order_by=(PriorityClaim.priority_date,))
        ),
        classes=classes,
        particulars=particulars,
        fee_sheets=tuple(
            view_of(FeeSheetView, s, lines=tuple(s.lines or ()))
            for s in rows(FeeSheet, order_by=(FeeSheet.computed_at, FeeSheet.id))
        ),
        payments=tuple(view_of(PaymentView, p) for p in payments),
        open_deadlines=tuple(
            view_of(DeadlineView, d)
            for d in rows(Deadline, Deadline.status == DeadlineStatus.OPEN, order_by=(Deadline.due_date, Deadline.id))
        ),
        documents=tuple(view_of(DocumentView, d) for d in rows(Document, order_by=(Document.created_at, Document.id))),
        publications=tuple(
            view_of(PublicationView, p) for p in rows(Publication, order_by=(Publication.published_on, Publication.id))
        ),
        register_entry=view_of(RegisterView, entry) if entry else None,
    )


def view_of(cls: type[V], row: Any, **values: Any) -> V:
    """A read model filled from the row's attributes of the same names (`values` override)."""
    return cls(**{f.name: values[f.name] if f.name in values else getattr(row, f.name) for f in fields(cls)})


def _classes_and_particulars(session: Session, case: Case) -> tuple[tuple[str, ...], dict]:
    """One more query at most: the class rows of the case's right type."""
    if case.trademark is not None:
        goods = session.scalars(select(GoodsServices).where(GoodsServices.case_id == case.id).order_by(GoodsServices.nice_class))
        particulars = _values(case.trademark, "mark_kind", "mark_type", "verbal_element", "image_document_id")
        particulars["goods_services"] = [_values(g, "nice_class", "terms") for g in goods]
        return tuple(str(g["nice_class"]) for g in particulars["goods_services"]), particulars
    if case.patent is not None:
        symbols = session.scalars(select(IpcClass.symbol).where(IpcClass.case_id == case.id).order_by(IpcClass.position))
        names = ("abstract", "claims_total", "claims_independent", "pct_number", "earliest_priority_date")
        return tuple(symbols), _values(case.patent, *names)
    if case.design is not None:
        items = session.scalars(select(DesignItem).where(DesignItem.case_id == case.id).order_by(DesignItem.number))
        particulars = _values(case.design, "locarno_class", "deferment_requested", "deferred_until")
        particulars["designs"] = [_values(i, "number", "product_indication", "views") for i in items]
        return (case.design.locarno_class,), particulars
    return (), {}


def _values(row: Any, *names: str) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}
