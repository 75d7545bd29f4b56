"""Read models: plain frozen dataclasses handed to templates, the API and the CLI's --json."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


def to_json(obj: Any) -> Any:
    """A read model (or a list of them) as JSON-ready data: datetimes become ISO 8601 strings."""
    if isinstance(obj, list | tuple):
        return [to_json(o) for o in obj]
    if hasattr(obj, "__dataclass_fields__"):
        return {k: to_json(v) for k, v in asdict(obj).items()}
    if isinstance(obj, dict):
        return {k: to_json(v) for k, v in obj.items()}
    if isinstance(obj, datetime):
        return obj.isoformat()
    return obj


@dataclass(frozen=True)
class TaskRow:
    id: str
    instance_id: int
    business_key: str | None
    element_id: str
    name: str
    form_key: str | None
    candidate_roles: tuple[str, ...]
    assignee: str | None
    priority: int
    due_at: datetime | None
    created_at: datetime
    status: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str
    actor: str
    element_id: str | None
    task_id: str | None
    data: dict | None


@dataclass(frozen=True)
class InstanceView:
    id: int
    process_id: str
    version: int
    business_key: str | None
    status: str
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    current: tuple[str, ...] = ()                # element ids that are ready, started or waiting
    open_tasks: tuple[TaskRow, ...] = ()
    pending_jobs: tuple[dict, ...] = ()
    waiting_messages: tuple[dict, ...] = ()
    data: dict = field(default_factory=dict)
    history: tuple[HistoryEntry, ...] = ()
    last_error: str | None = None
