"""Use cases of process instances: start one, show one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import (
    AuditEvent,
    DefinitionVersion,
    HumanTask,
    InstanceStatus,
    Job,
    JobStatus,
    MessageSubscription,
    ProcessInstance,
    TaskStatus,
)
from engine.errors import InvalidInput, NotFound
from engine.runtime.runner import new_workflow
from engine.runtime.state import SCHEMA_VERSION, SERIALIZER_VERSION, dump_state, load_state
from engine.services.library import latest_version, specs_for
from engine.services.stepping import Step, advance, audit, script_engine
from engine.services.tasks import task_row
from engine.services.views import HistoryEntry, InstanceView


def start_instance(
    ctx: Ipflow, process_id: str, data: Mapping[str, Any], business_key: str | None = None, actor: str = "system"
) -> InstanceView:
    """Start the latest deployed version of a process and run it to its first wait state."""
    if not isinstance(data, Mapping):
        raise InvalidInput("start data must be a JSON object", {"data": ["Give an object like {\"applicant\": \"...\"}."]})
    with ctx.db.transaction() as session:
        instance_id = start_in_session(ctx, session, process_id, data, business_key, actor)
    return show_instance(ctx, instance_id)


def start_in_session(ctx: Ipflow, session: Session, process_id: str, data: Mapping[str, Any], business_key: str | None, actor: str) -> int:
    """Start an instance inside the caller's unit of work (filing creates the case in the same one)."""
    version = latest_version(session, process_id)
    now = ctx.clock.now()
    instance = ProcessInstance(
        definition_version_id=version.id,
        process_id=process_id,
        business_key=business_key,
        status=InstanceStatus.RUNNING,
        state="{}",
        serializer_version=SERIALIZER_VERSION,
        schema_version=SCHEMA_VERSION,
        started_by=actor,
        created_at=now,
        updated_at=now,
    )
    session.add(instance)
    session.flush()
    workflow = new_workflow(specs_for(ctx, version), script_engine(ctx, session, instance), dict(data))
    instance.state = dump_state(workflow)
    audit(session, ctx, "instance_started", actor, instance.id, data={"process_id": process_id, "version": version.version, "data": dict(data)})
    advance(ctx, Step(session, instance, workflow, actor))
    return instance.id


def show_instance(ctx: Ipflow, instance_id: int, with_history: bool = True) -> InstanceView:
    with ctx.db.reading() as session:
        instance = session.get(ProcessInstance, instance_id)
        if instance is None:
            raise NotFound(f"process instance {instance_id} does not exist")
        version = session.get(DefinitionVersion, instance.definition_version_id)
        tasks = session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.status == TaskStatus.OPEN).order_by(HumanTask.created_at)
        ).all()
        jobs = session.scalars(
            select(Job).where(Job.instance_id == instance_id, Job.status.in_([JobStatus.PENDING, JobStatus.RUNNING, JobStatus.INCIDENT])).order_by(Job.due_at)
        ).all()
        subscriptions = session.scalars(select(MessageSubscription).where(MessageSubscription.instance_id == instance_id)).all()
        history = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id).order_by(AuditEvent.id)).all() if with_history else []
        current = sorted({t.element_id for t in tasks} | {j.element_id for j in jobs if j.element_id} | {s.element_id for s in subscriptions})
        workflow = load_state(instance.state, specs_for(ctx, version))
        return InstanceView(
            id=instance.id,
            process_id=instance.process_id,
            version=version.version,
            business_key=instance.business_key,
            status=str(instance.status),
            created_at=instance.created_at,
            updated_at=instance.updated_at,
            completed_at=instance.completed_at,
            current=tuple(current),
            open_tasks=tuple(task_row(t) for t in tasks),
            pending_jobs=tuple(
                {"id": j.id, "kind": str(j.kind), "status": str(j.status), "element_id": j.element_id, "operator": j.operator,
                 "due_at": j.due_at.isoformat(), "attempts": j.attempts, "last_error": j.last_error}
                for j in jobs
            ),
            waiting_messages=tuple({"message": s.message_name, "element_id": s.element_id, "correlation": s.correlation} for s in subscriptions),
            data=_process_data(workflow),
            history=tuple(HistoryEntry(e.at, e.kind, e.actor, e.element_id, e.task_id, e.data) for e in history),
            last_error=instance.last_error,
        )


def _process_data(workflow) -> dict:
    """What the process knows now: the data of the task that changed last."""
    task = workflow.last_task or workflow.task_tree
    return dict(task.data)
