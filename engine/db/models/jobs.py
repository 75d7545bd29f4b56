"""Everything the worker does later is a job row: timers, async service tasks, outgoing mail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base, JSONDoc, StrEnum


class JobKind(StrEnum):
    TIMER = "timer"
    SERVICE = "service"
    MAIL = "mail"


class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    INCIDENT = "incident"
    CANCELLED = "cancelled"


class Job(Base):
    __tablename__ = "jobs"
    # The worker's sweep (due jobs) and the monitor's "waiting at this step" filter and heatmap.
    __table_args__ = (Index("ix_jobs_status_due", "status", "due_at"), Index("ix_jobs_status_element", "status", "element_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[JobKind] = mapped_column(String(16))
    status: Mapped[JobStatus] = mapped_column(String(16))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    element_id: Mapped[str | None] = mapped_column(String(255))
    operator: Mapped[str | None] = mapped_column(String(128))
    payload: Mapped[dict | None] = mapped_column(JSONDoc)
    due_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=1)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[datetime | None]
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
