"""What happens to a case over its life: fees and payments, time limits, documents, gazette
publications, the register entry, and the counters that number applications.

Amounts are exact decimals (Numeric(12, 2)); legal dates are `date`; moments are UTC datetimes.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base, JSONDoc, StrEnum

__all__ = [
    "Deadline",
    "DeadlineStatus",
    "Document",
    "DocumentKind",
    "FeeSheet",
    "FeeSheetStatus",
    "LegalKind",
    "NumberSequence",
    "Payment",
    "Publication",
    "RegisterEntry",
    "RegisterStatus",
]


class FeeSheetStatus(StrEnum):
    DUE = "due"
    PAID = "paid"
    CANCELLED = "cancelled"


class LegalKind(StrEnum):
    STATUTORY = "statutory"  # fixed by law: never extended
    OFFICE_SET = "office-set"  # set by the office: extendable on request


class DeadlineStatus(StrEnum):
    OPEN = "open"
    MET = "met"
    MISSED = "missed"
    CANCELLED = "cancelled"


class DocumentKind(StrEnum):
    LETTER = "letter"
    UPLOAD = "upload"
    CERTIFICATE = "certificate"
    IMAGE = "image"


class RegisterStatus(StrEnum):
    IN_FORCE = "in_force"
    LAPSED = "lapsed"
    EXPIRED = "expired"


class FeeSheet(Base):
    """The fees computed for one occasion (filing, renewal, grant, annuity ...), line by line.

    `lines` is a list of {code, description, quantity, amount} with amounts as decimal strings;
    `tariff` names the decision table and version that priced it, so old sheets stay explainable.
    """

    __tablename__ = "fee_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    tariff: Mapped[str] = mapped_column(String(255))
    computed_at: Mapped[datetime]
    due_date: Mapped[date | None]
    status: Mapped[FeeSheetStatus] = mapped_column(String(16))
    lines: Mapped[list] = mapped_column(JSONDoc)


class Payment(Base):
    """Money received. Unmatched payments (no case yet) wait for a clerk to match them."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    fee_sheet_id: Mapped[int | None] = mapped_column(ForeignKey("fee_sheets.id", ondelete="SET NULL"), index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str] = mapped_column(String(128), unique=True)  # the payer's/gateway's reference
    received_at: Mapped[datetime]
    matched: Mapped[bool] = mapped_column(default=False, index=True)
    note: Mapped[str | None] = mapped_column(Text)


class Deadline(Base):
    """A time limit on a case: from `event_date`, due on `due_date` (already rolled to a working day)."""

    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_status_due", "status", "due_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # fee_payment, deficiency, objection_reply, opposition, ...
    legal_kind: Mapped[LegalKind] = mapped_column(String(16))
    event_date: Mapped[date]
    due_date: Mapped[date]
    status: Mapped[DeadlineStatus] = mapped_column(String(16))
    extensions: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[datetime | None]


class Document(Base):
    """A file on a case. The bytes live on disk, content-addressed by `sha256` (DocumentStore);
    `idempotency_key` makes a letter that a retried job sends again be stored once."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)


class Publication(Base):
    """A gazette entry about a case (application published, registration, renewal, ...)."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    gazette_number: Mapped[str] = mapped_column(String(16), index=True)  # e.g. '2026/14'
    published_on: Mapped[date]
    kind: Mapped[str] = mapped_column(String(32))


class RegisterEntry(Base):
    """The registered right: one per case, with its own registration number and term."""

    __tablename__ = "register_entries"
    __table_args__ = (Index("ix_register_entries_registered_on", "registered_on"),)  # the dashboard's outflow

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    registration_number: Mapped[str] = mapped_column(String(32), unique=True)
    registered_on: Mapped[date]
    term_start: Mapped[date]
    expiry_date: Mapped[date] = mapped_column(index=True)  # renewals and annuities due soon
    status: Mapped[RegisterStatus] = mapped_column(String(16))


class NumberSequence(Base):
    """The last serial issued per right type and year (engine.services.numbering)."""

    __tablename__ = "number_sequences"

    right_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_serial: Mapped[int] = mapped_column(default=0)
