"""Saved inbox filters: a person's named filter, private or shared with everyone holding a role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base, JSONDoc


class SavedFilter(Base):
    __tablename__ = "saved_filters"
    __table_args__ = (
        UniqueConstraint("owner", "name"),
        Index("ix_saved_filters_shared_role", "shared_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    shared_role: Mapped[str | None] = mapped_column(String(64))  # NULL: private to the owner
    query: Mapped[dict] = mapped_column(JSONDoc)  # the inbox query string's values (tab, filters, sort)
    created_at: Mapped[datetime]
