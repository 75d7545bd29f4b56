"""Ready human tasks mirrored out of the workflow state, so the inbox never deserializes one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, ForeignKey, Index, String, false, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base, JSONDoc, StrEnum


class TaskStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class HumanTask(Base):
    __tablename__ = "human_tasks"
    __table_args__ = (
        Index("ix_human_tasks_status_due", "status", "due_at"),
        Index("ix_human_tasks_assignee_status", "assignee", "status"),
        # The inbox: the kinds of open task and one task of each by a skip scan; open tasks by age.
        Index("ix_human_tasks_status_element", "status", "element_id", "id"),
        Index("ix_human_tasks_status_created", "status", "created_at"),
        # The manager's dashboard: steps done in a date range, and each instance's first one.
        Index("ix_human_tasks_status_completed", "status", "completed_at"),
        Index("ix_human_tasks_instance_completed", "instance_id", "completed_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # SpiffWorkflow task UUID
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    element_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    form_key: Mapped[str | None] = mapped_column(String(255))
    lane: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[TaskStatus] = mapped_column(String(16))
    assignee: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(64))
    business_key: Mapped[str | None] = mapped_column(String(255), index=True)
    draft: Mapped[dict | None] = mapped_column(JSONDoc)
    # The candidate roles again, as "|clerk|examiner|", so the inbox filters offered tasks on the row it
    # reads anyway: with millions of closed tasks a probe into task_candidate_roles per row cost more
    # than the rest of the page.
    offered_roles: Mapped[str] = mapped_column(String(255), default="", server_default="")
    # Written with the task (offer_to), read by role queries; a task's own roles are read from offered_roles.
    candidate_roles: Mapped[list[TaskCandidateRole]] = relationship(cascade="all, delete-orphan")

    @property
    def roles(self) -> tuple[str, ...]:
        return roles_of_text(self.offered_roles)

    def offer_to(self, roles) -> None:
        """Set the task's candidate roles (the rows and the inbox's copy on the task)."""
        chosen = sorted(set(roles))
        self.candidate_roles = [TaskCandidateRole(role=r) for r in chosen]
        self.offered_roles = offered_roles_text(chosen)


def offered_roles_text(roles) -> str:
    return "|" + "|".join(roles) + "|" if roles else ""


def roles_of_text(text: str | None) -> tuple[str, ...]:
    """The roles in an offered_roles value, sorted (rows filled by the SQLite migration may hold them unsorted)."""
    return tuple(sorted(r for r in (text or "").split("|") if r))


def offered_to_any(roles) -> ColumnElement[bool]:
    """Tasks offered to at least one of `roles` (none for no roles)."""
    if not roles:
        return false()
    return or_(*(HumanTask.offered_roles.contains(f"|{r}|", autoescape=True) for r in sorted(roles)))


# The inbox's "most urgent first": priority high to low, then due date. Declared here, where the
# columns exist, because of the DESC.
Index("ix_human_tasks_status_priority", HumanTask.status, HumanTask.priority.desc(), HumanTask.due_at)


class TaskCandidateRole(Base):
    __tablename__ = "task_candidate_roles"
    __table_args__ = (Index("ix_task_candidate_roles_role", "role", "task_id"),)

    task_id: Mapped[str] = mapped_column(ForeignKey("human_tasks.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(64), primary_key=True)
