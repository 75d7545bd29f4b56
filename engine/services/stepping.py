"""One engine step on one instance: lock, load, act, run to the wait state, save, mirror.

Every use case that moves an instance (start, complete a task, deliver a message, fire a timer,
finish a job) goes through `step()`, so they all take the same lock and mirror the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.container import Ipflow
from engine.db.models import AuditEvent, DefinitionVersion, InstanceStatus, ProcessInstance
from engine.errors import ConcurrentUpdate, Conflict, NotFound
from engine.runtime.operators import OperatorContext
from engine.runtime.pruning import prune_finished
from engine.runtime.runner import IpflowScriptEngine, run_to_wait_state, snapshot
from engine.runtime.state import SCHEMA_VERSION, SERIALIZER_VERSION, dump_state, load_state
from engine.services.library import specs_for
from engine.services.mirror import mirror_snapshot


@dataclass
class Step:
    """What a step works on; `completed` collects the BPMN elements the engine finished."""

    session: Session
    instance: ProcessInstance
    workflow: BpmnWorkflow
    actor: str
    completed: list[tuple[str, str]] = field(default_factory=list)  # (task id, element id)


def operator_services(ctx: Ipflow, session: Session, instance: ProcessInstance) -> dict:
    """What an operator may use besides its parameters: the step's session and the composition root."""
    return {"session": session, "clock": ctx.clock, "settings": ctx.settings, "instance": instance, "ipflow": ctx}


def script_engine(ctx: Ipflow, session: Session, instance: ProcessInstance) -> IpflowScriptEngine:
    services = operator_services(ctx, session, instance)

    def context_for(task) -> OperatorContext:
        return OperatorContext(
            instance_id=instance.id,
            business_key=instance.business_key,
            task_id=str(task.id),
            element_id=task.task_spec.bpmn_id,
            data=task.data,
            idempotency_key=f"{instance.id}:{task.id}",
            services=services,
        )

    return IpflowScriptEngine(ctx.sandbox(), ctx.clock, ctx.operators, context_for)


def lock_instance(ctx: Ipflow, session: Session, instance_id: int) -> ProcessInstance:
    """The instance row, locked for this transaction (row lock on PostgreSQL; SQLite's write
    transaction already excludes other writers). The version column catches anything else."""
    # populate_existing: the row may already sit in this session from before the lock was taken,
    # and its state must be the one read under the lock, not that older copy.
    query = select(ProcessInstance).where(ProcessInstance.id == instance_id).execution_options(populate_existing=True)
    if ctx.db.dialect == "postgresql":
        query = query.with_for_update()
    instance = session.scalar(query)
    if instance is None:
        raise NotFound(f"process instance {instance_id} does not exist")
    return instance


@contextmanager
def step(ctx: Ipflow, session: Session, instance_id: int, actor: str, allow_suspended: bool = False) -> Iterator[Step]:
    """Load the instance under its lock, let the caller act on it, then run and save."""
    instance = lock_instance(ctx, session, instance_id)
    if instance.status in (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED):
        raise Conflict(f"process instance {instance_id} is {instance.status}; nothing more can happen in it")
    if instance.status == InstanceStatus.SUSPENDED and not allow_suspended:
        raise Conflict(f"process instance {instance_id} is suspended; resume it first")
    version = session.get(DefinitionVersion, instance.definition_version_id)
    workflow = load_state(instance.state, specs_for(ctx, version))
    workflow.script_engine = script_engine(ctx, session, instance)
    current = Step(session, instance, workflow, actor)
    yield current
    advance(ctx, current)


def advance(ctx: Ipflow, current: Step) -> None:
    """Run to the next wait state, then write the state, the mirror rows and the audit rows."""
    run_to_wait_state(current.workflow, on_completed=lambda t: _note_completed(current, t))
    save(ctx, current)


def _note_completed(current: Step, task) -> None:
    element = task.task_spec.bpmn_id
    if element:  # the library's own bookkeeping tasks have no BPMN id
        current.completed.append((str(task.id), element))


def save(ctx: Ipflow, current: Step) -> None:
    instance, now = current.instance, ctx.clock.now()
    prune_finished(current.workflow)
    state = snapshot(current.workflow, instance.business_key)
    instance.state = dump_state(current.workflow)
    instance.serializer_version = SERIALIZER_VERSION
    instance.schema_version = SCHEMA_VERSION
    instance.updated_at = now
    if state.completed:
        instance.status = InstanceStatus.COMPLETED
        instance.completed_at = now
    mirror_snapshot(ctx, current.session, instance, current.workflow, state)
    for task_id, element_id in current.completed:
        current.session.add(
            AuditEvent(instance_id=instance.id, task_id=task_id, element_id=element_id, kind="element_completed", actor="engine", at=now)
        )
    current.completed.clear()
    try:
        current.session.flush()
    except StaleDataError:
        raise ConcurrentUpdate(f"process instance {instance.id} was changed by someone else at the same time; try again") from None


def audit(session: Session, ctx: Ipflow, kind: str, actor: str, instance_id: int | None, **fields: Any) -> None:
    data = fields.pop("data", None)
    session.add(AuditEvent(instance_id=instance_id, kind=kind, actor=actor, at=ctx.clock.now(), data=data, **fields))


def retrying(attempts: int, action: Callable[[], Any]) -> Any:
    """Run a whole unit of work again when it lost a race on an instance; the last loss is reported."""
    for attempt in range(attempts):
        try:
            return action()
        except ConcurrentUpdate:
            if attempt == attempts - 1:
                raise
    return None
