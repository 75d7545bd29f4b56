"""Instances moved from one deployed version to another, kept so that a move can be reversed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base


class InstanceMigration(Base):
    """One instance moved once. `state_before` is its serialized state on the old version; the move
    can be reversed while the instance's lock version still equals `lock_version_after`."""

    __tablename__ = "instance_migrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    from_version_id: Mapped[int] = mapped_column(ForeignKey("definition_versions.id"))
    to_version_id: Mapped[int] = mapped_column(ForeignKey("definition_versions.id"))
    state_before: Mapped[str] = mapped_column(Text)
    lock_version_after: Mapped[int]
    migrated_by: Mapped[str] = mapped_column(String(64))
    migrated_at: Mapped[datetime]
    reversed_at: Mapped[datetime | None]
    reversed_by: Mapped[str | None] = mapped_column(String(64))
