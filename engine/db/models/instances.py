from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base, StrEnum


class InstanceStatus(StrEnum):
    RUNNING = "running"      # has ready, started or waiting tasks
    COMPLETED = "completed"
    ERROR = "error"          # a step failed; the instance keeps its last good state
    SUSPENDED = "suspended"
    TERMINATED = "terminated"


class ProcessInstance(Base):
    """A running case process. `state` is SpiffWorkflow's serialization without the spec."""

    __tablename__ = "process_instances"
    # The manager's dashboard: instances that ended in a date range.
    # The manager's dashboard (instances that ended in a date range) and the monitor's age filter.
    __table_args__ = (
        Index("ix_process_instances_status_completed", "status", "completed_at"),
        Index("ix_process_instances_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_version_id: Mapped[int] = mapped_column(ForeignKey("definition_versions.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(255), index=True)
    business_key: Mapped[str | None] = mapped_column(String(255), index=True)
    status: Mapped[InstanceStatus] = mapped_column(String(16), index=True)
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(16))
    schema_version: Mapped[int]
    lock_version: Mapped[int] = mapped_column(default=1)
    started_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    __mapper_args__ = {"version_id_col": lock_version}
