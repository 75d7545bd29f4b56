"""A case: one application for a trademark, patent or design, with its parties and bibliographic data.

Legal dates (filing, priority) are `date` columns; moments (created, updated) are UTC datetimes.
Anything a process needs that is not modelled here goes into `Case.details`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base, JSONDoc, StrEnum

__all__ = [
    "Case",
    "DesignDetails",
    "DesignItem",
    "GoodsServices",
    "IpcClass",
    "MarkKind",
    "MarkType",
    "Party",
    "PartyRole",
    "PatentDetails",
    "PriorityClaim",
    "RightType",
    "TrademarkDetails",
]


class RightType(StrEnum):
    TRADEMARK = "trademark"
    PATENT = "patent"
    DESIGN = "design"


class PartyRole(StrEnum):
    APPLICANT = "applicant"
    REPRESENTATIVE = "representative"
    INVENTOR = "inventor"
    CREATOR = "creator"


class MarkKind(StrEnum):
    INDIVIDUAL = "individual"
    COLLECTIVE = "collective"
    CERTIFICATION = "certification"


class MarkType(StrEnum):
    WORD = "word"
    FIGURATIVE = "figurative"
    THREE_D = "3d"
    COLOUR = "colour"
    SOUND = "sound"
    OTHER = "other"


class Case(Base):
    """One application and, once registered, the right it became."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_right_type_status", "right_type", "status"),
        Index("ix_cases_title", "title"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # ST.13 number; NULL until the process numbers the case, unique once it has one.
    application_number: Mapped[str | None] = mapped_column(String(32), unique=True, index=True)
    right_type: Mapped[RightType] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(32))  # a free word the process sets: filed, examination, ...
    filing_date: Mapped[date] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(500))  # verbal element / patent title / product indication
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id", ondelete="SET NULL"), index=True)
    details: Mapped[dict | None] = mapped_column(JSONDoc)

    parties: Mapped[list[Party]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by=lambda: (Party.role, Party.position)
    )
    priority_claims: Mapped[list[PriorityClaim]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="PriorityClaim.priority_date"
    )
    trademark: Mapped[TrademarkDetails | None] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    goods_services: Mapped[list[GoodsServices]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="GoodsServices.nice_class"
    )
    patent: Mapped[PatentDetails | None] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    ipc_classes: Mapped[list[IpcClass]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="IpcClass.position"
    )
    design: Mapped[DesignDetails | None] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    design_items: Mapped[list[DesignItem]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="DesignItem.number"
    )


class Party(Base):
    """A person or company on a case, in a role; `position` keeps the order they were named in."""

    __tablename__ = "parties"
    __table_args__ = (UniqueConstraint("case_id", "role", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    role: Mapped[PartyRole] = mapped_column(String(16))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str] = mapped_column(String(2))  # WIPO ST.3
    email: Mapped[str | None] = mapped_column(String(254))


class PriorityClaim(Base):
    __tablename__ = "priority_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(String(2))  # ST.3 of the office of first filing
    number: Mapped[str] = mapped_column(String(64))
    # Named for what it is: an attribute called `date` would shadow the type in this class body.
    priority_date: Mapped[date]


class TrademarkDetails(Base):
    __tablename__ = "trademark_details"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    mark_kind: Mapped[MarkKind] = mapped_column(String(16))
    mark_type: Mapped[MarkType] = mapped_column(String(16))
    verbal_element: Mapped[str | None] = mapped_column(String(500))
    image_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="SET NULL"))


class GoodsServices(Base):
    """The goods or services claimed in one Nice class."""

    __tablename__ = "goods_services"
    __table_args__ = (CheckConstraint("nice_class BETWEEN 1 AND 45", name="nice_class_range"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    nice_class: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[str] = mapped_column(Text)


class PatentDetails(Base):
    __tablename__ = "patent_details"
    __table_args__ = (CheckConstraint("claims_independent >= 1 AND claims_independent <= claims_total", name="claims_counts"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    abstract: Mapped[str | None] = mapped_column(Text)
    claims_total: Mapped[int]
    claims_independent: Mapped[int]
    pct_number: Mapped[str | None] = mapped_column(String(32))
    earliest_priority_date: Mapped[date | None]  # drives publication at 18 months and PCT entry


class IpcClass(Base):
    """An IPC symbol like 'A61K 31/00'; position 0 is the main classification."""

    __tablename__ = "ipc_classes"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    symbol: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
    position: Mapped[int]


class DesignDetails(Base):
    __tablename__ = "design_details"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    locarno_class: Mapped[str] = mapped_column(String(5), index=True)  # class-subclass, e.g. '08-05'
    deferment_requested: Mapped[bool] = mapped_column(default=False)
    deferred_until: Mapped[date | None]


class DesignItem(Base):
    """Design number 1..n of a (multiple) design application."""

    __tablename__ = "design_items"
    __table_args__ = (CheckConstraint("number >= 1 AND views >= 1", name="positive"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True)
    product_indication: Mapped[str] = mapped_column(String(500))
    views: Mapped[int]
