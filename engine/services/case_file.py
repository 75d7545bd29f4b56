"""Read side of a case file: its data, comments, history, documents and the diagram of its process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.container import Ipflow
from engine.db.models import (
    AuditEvent,
    Case,
    CaseComment,
    DefinitionVersion,
    Document,
    HumanTask,
    ProcessInstance,
    TaskStatus,
)
from engine.errors import NotFound
from engine.runtime.elements import element_names
from engine.runtime.progress import element_progress
from engine.runtime.state import load_state
from engine.services.cases import CaseSummary, DocumentView, case_summary, view_of
from engine.services.library import specs_for
from engine.services.tasks import task_row
from engine.services.version_files import diagram_file
from engine.services.views import TaskRow

# What each audit kind means to a person reading the history.
KIND_LABELS = {
    "instance_started": "Process started",
    "task_completed": "Task completed",
    "element_completed": "Step passed",
    "message_received": "Message received",
    "timer_fired": "Time limit reached",
    "service_completed": "Automatic step done",
    "incident": "Automatic step failed",
    "incident_retried": "Failed step retried",
    "instance_suspended": "Process suspended",
    "instance_resumed": "Process resumed",
    "instance_terminated": "Process terminated",
    "task_claimed": "Task claimed",
    "task_unclaimed": "Task returned to the group",
    "task_reassigned": "Task reassigned",
    "comment_added": "Comment added",
    "document_uploaded": "Document uploaded",
}


@dataclass(frozen=True)
class CommentView:
    id: int
    author: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class HistoryItem:
    at: datetime
    kind: str
    label: str
    actor: str
    element_id: str | None
    element_name: str | None
    data: dict | None
    by_person: bool  # a person did it (not the engine)


@dataclass(frozen=True)
class CaseFile:
    case: CaseSummary
    process_id: str | None
    version: int | None
    instance_status: str | None
    open_tasks: tuple[TaskRow, ...]
    comments: tuple[CommentView, ...]
    history: tuple[HistoryItem, ...]


@dataclass(frozen=True)
class CaseDiagram:
    process_id: str
    xml: str
    completed: tuple[str, ...]
    current: tuple[str, ...]


def case_file(ctx: Ipflow, case_id: int) -> CaseFile:
    with ctx.db.reading() as session:
        summary = case_summary(session, case_id)
        comments = session.scalars(
            select(CaseComment).where(CaseComment.case_id == case_id).order_by(CaseComment.created_at.desc(), CaseComment.id.desc())
        )
        comment_views = tuple(CommentView(c.id, c.author, c.body, c.created_at) for c in comments)
        instance = session.get(ProcessInstance, summary.instance_id) if summary.instance_id else None
        if instance is None:
            return CaseFile(summary, None, None, None, (), comment_views, ())
        version = session.get(DefinitionVersion, instance.definition_version_id)
        names = element_names(specs_for(ctx, version))
        tasks = session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == TaskStatus.OPEN).order_by(HumanTask.created_at)
        )
        events = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id).order_by(AuditEvent.at, AuditEvent.id))
        history = tuple(
            HistoryItem(e.at, e.kind, KIND_LABELS.get(e.kind, e.kind.replace("_", " ").capitalize()), e.actor, e.element_id,
                        names.get(e.element_id) if e.element_id else None, e.data, e.actor not in ("engine", "system"))
            for e in events
        )
        return CaseFile(summary, instance.process_id, version.version, str(instance.status),
                        tuple(task_row(t) for t in tasks), comment_views, history)


def case_diagram(ctx: Ipflow, case_id: int) -> CaseDiagram:
    """The BPMN of the version the case runs on, with the elements it completed and is at now."""
    with ctx.db.reading() as session:
        instance_id = session.scalar(select(Case.instance_id).where(Case.id == case_id))
        if instance_id is None:
            raise NotFound(f"case {case_id} does not exist or has no process yet")
        instance = session.get(ProcessInstance, instance_id)
        version = session.get(DefinitionVersion, instance.definition_version_id)
        xml = diagram_file(session, version, instance.process_id)[1]
        progress = element_progress(load_state(instance.state, specs_for(ctx, version)))
        return CaseDiagram(instance.process_id, xml, progress.completed, progress.current)


def case_document(ctx: Ipflow, case_id: int, document_id: int) -> tuple[DocumentView, bytes]:
    """A document of the case and its bytes (a document of another case is not found here)."""
    with ctx.db.reading() as session:
        row = session.scalar(select(Document).where(Document.id == document_id, Document.case_id == case_id))
        if row is None:
            raise NotFound(f"case {case_id} has no document {document_id}")
        view = view_of(DocumentView, row)
    return view, ctx.documents.open(view.sha256)
