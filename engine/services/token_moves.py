"""Use cases: move the token of a running instance to another step of its process, with a dry run.

`plan_move` is the dry run: it checks the move on the instance as it is and says, in sentences,
what the move cancels (the open task, the pending timer or service call, the awaited message of
the step the case is at) and what it creates (the step moved to, then whatever the engine runs
into from there). `move_token` does it under the instance lock in one transaction, runs the case
on to its next wait state and writes an audit row with the reason, both steps and the sentences.
The process data stays as it is. What may move and how is engine/runtime/token_move.py's.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import (
    DefinitionVersion,
    HumanTask,
    InstanceStatus,
    Job,
    JobStatus,
    MessageSubscription,
    ProcessInstance,
    TaskStatus,
)
from engine.errors import Conflict, NotFound
from engine.runtime.state import load_state
from engine.runtime.token_move import Step, movable_steps, plan_token_move
from engine.runtime.token_move import move_token as move_in_workflow
from engine.services.instance_operations import checked_reason
from engine.services.library import specs_for
from engine.services.stepping import audit, step

OPEN_JOBS = (JobStatus.PENDING, JobStatus.RUNNING, JobStatus.INCIDENT)


@dataclass(frozen=True)
class MovePlan:
    instance_id: int
    business_key: str | None
    source: Step
    target: Step
    cancels: tuple[str, ...]
    creates: tuple[str, ...]


@dataclass(frozen=True)
class MoveChoices:
    """The steps an instance's token may be moved to (its process's top-level steps)."""

    instance_id: int
    steps: tuple[Step, ...]


def move_choices(ctx: Ipflow, instance_id: int) -> MoveChoices:
    with ctx.db.reading() as session:
        instance = _instance(session, instance_id)
        workflow = load_state(instance.state, specs_for(ctx, session.get(DefinitionVersion, instance.definition_version_id)))
        return MoveChoices(instance_id, movable_steps(workflow))


def plan_move(ctx: Ipflow, instance_id: int, target_id: str) -> MovePlan:
    """Dry run: what moving the instance's token to `target_id` would cancel and create."""
    with ctx.db.reading() as session:
        instance = _instance(session, instance_id)
        _check_movable(instance)
        workflow = load_state(instance.state, specs_for(ctx, session.get(DefinitionVersion, instance.definition_version_id)))
        move = plan_token_move(workflow, target_id)
        return MovePlan(
            instance.id, instance.business_key, move.source, move.target, _cancels(session, instance.id), _creates(move.target)
        )


def move_token(ctx: Ipflow, instance_id: int, target_id: str, reason: str, actor: str) -> MovePlan:
    """Move the token to `target_id` and run on to the next wait state; audited as "token_moved"."""
    reason = checked_reason(reason)
    with ctx.db.transaction() as session:
        with step(ctx, session, instance_id, actor=actor) as current:
            cancels = _cancels(session, instance_id)
            move = move_in_workflow(current.workflow, target_id)
        plan = MovePlan(instance_id, current.instance.business_key, move.source, move.target, cancels, _creates(move.target))
        audit(session, ctx, "token_moved", actor, instance_id, element_id=move.target.element_id,
              data={"reason": reason, "from": move.source.element_id, "to": move.target.element_id,
                    "cancelled": list(cancels), "created": list(plan.creates)})  # fmt: skip
    return plan


def _instance(session: Session, instance_id: int) -> ProcessInstance:
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"process instance {instance_id} does not exist")
    return instance


def _check_movable(instance: ProcessInstance) -> None:
    if instance.status in (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED):
        raise Conflict(f"process instance {instance.id} is {instance.status}; nothing more can happen in it")
    if instance.status == InstanceStatus.SUSPENDED:
        raise Conflict(f"process instance {instance.id} is suspended; resume it first, then move its token")


def _cancels(session: Session, instance_id: int) -> tuple[str, ...]:
    """Sentences for what the step the case is at holds open: its task, jobs and awaited messages."""
    said = []
    for task in session.scalars(
        select(HumanTask)
        .where(HumanTask.instance_id == instance_id, HumanTask.status == TaskStatus.OPEN)
        .order_by(HumanTask.created_at)
    ):
        holder = f"held by {task.assignee}" if task.assignee else "not claimed"
        said.append(f"the open task '{task.name}' ({task.element_id}, {holder})")
    for job in session.scalars(select(Job).where(Job.instance_id == instance_id, Job.status.in_(OPEN_JOBS)).order_by(Job.id)):
        if job.status == JobStatus.INCIDENT:
            said.append(f"the incident of {job.element_id} ({job.operator or job.kind}: {job.last_error or 'failed'})")
        elif job.operator:
            said.append(f"the pending call of {job.operator} at {job.element_id}")
        else:
            said.append(f"the {job.kind} at {job.element_id}, due {job.due_at:%Y-%m-%d %H:%M} UTC")
    for subscription in session.scalars(select(MessageSubscription).where(MessageSubscription.instance_id == instance_id)):
        said.append(f"the wait for the message '{subscription.message_name}' at {subscription.element_id}")
    return tuple(said)


def _creates(target: Step) -> tuple[str, ...]:
    first = f"the {target.kind} '{target.name}' ({target.element_id})" + (f" for {target.lane}" if target.lane else "")
    if target.kind == "user task":
        return (first + ", ready in the inbox",)
    return (first, "then the engine runs on from there to the next step that waits (a person, a timer, a message or a job)")


__all__ = ["MoveChoices", "MovePlan", "move_choices", "move_token", "plan_move"]
