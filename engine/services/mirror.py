"""Mirror a workflow's wait state into rows: inbox tasks, timer and service jobs, subscriptions.

The rows are what the inbox, the worker and message delivery query, so none of them ever has to
deserialize a workflow. They are rewritten in the same transaction as the state they mirror.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import (
    HumanTask,
    Job,
    JobKind,
    JobStatus,
    MessageSubscription,
    ProcessInstance,
    SubscriptionKey,
    TaskStatus,
)
from engine.errors import ScriptError
from engine.runtime.runner import ReadyHumanTask, Snapshot, find_task


def mirror_snapshot(ctx: Ipflow, session: Session, instance: ProcessInstance, workflow, state: Snapshot) -> None:
    _mirror_human_tasks(ctx, session, instance, workflow, state)
    _mirror_jobs(ctx, session, instance, state)
    _mirror_subscriptions(session, instance, state)


def _mirror_human_tasks(ctx: Ipflow, session: Session, instance: ProcessInstance, workflow, state: Snapshot) -> None:
    now = ctx.clock.now()
    open_rows = {
        row.id: row
        for row in session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == TaskStatus.OPEN)
        )
    }
    ready = {t.task_id: t for t in state.human_tasks}
    for task_id, row in open_rows.items():
        if task_id not in ready:  # cancelled by a boundary event, a terminate end or a message
            row.status = TaskStatus.CANCELLED
            row.completed_at = now
    for task_id, task in ready.items():
        if task_id in open_rows or session.get(HumanTask, task_id) is not None:
            continue
        session.add(_new_human_task(ctx, instance, workflow, task, now))


def _new_human_task(ctx: Ipflow, instance: ProcessInstance, workflow, task: ReadyHumanTask, now: datetime) -> HumanTask:
    props = task.properties
    roles = [r.strip() for r in props.get("candidateRoles", "").split(",") if r.strip()]
    if not roles and task.lane:
        roles = [task.lane.strip()]
    spiff_task = find_task(workflow, task.task_id)
    row = HumanTask(
        id=task.task_id,
        instance_id=instance.id,
        element_id=task.element_id,
        name=task.name,
        form_key=props.get("formKey"),
        lane=task.lane,
        status=TaskStatus.OPEN,
        priority=int(_evaluate(workflow, spiff_task, props.get("priority")) or 0),
        due_at=due_from(_evaluate(workflow, spiff_task, props.get("dueIn")), now),
        created_at=now,
        business_key=instance.business_key,
    )
    row.offer_to(roles)
    return row


def _evaluate(workflow, spiff_task, expression: str | None) -> Any:
    if not expression:
        return None
    return workflow.script_engine.evaluate(spiff_task, expression)


def due_from(value: Any, now: datetime) -> datetime | None:
    """A due time from what a `dueIn` expression gave: an ISO duration, a date or a datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime.combine(value, time(23, 59, 59), timezone.utc)
    text = str(value).strip()
    try:
        if text.upper().startswith("P"):
            parsed = TimerEventDefinition.parse_iso_duration(text)
            return now + TimerEventDefinition.get_timedelta_from_start(parsed, now)
        return due_from(datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text), now)
    except Exception:  # the library raises bare Exception for bad durations
        raise ScriptError(f"due date {text!r} is neither an ISO 8601 duration like 'P5D' nor a date") from None


def _mirror_jobs(ctx: Ipflow, session: Session, instance: ProcessInstance, state: Snapshot) -> None:
    now = ctx.clock.now()
    live = session.scalars(
        select(Job).where(
            Job.instance_id == instance.id,
            Job.kind.in_([JobKind.TIMER, JobKind.SERVICE]),
            Job.status.in_([JobStatus.PENDING, JobStatus.RUNNING, JobStatus.INCIDENT]),
        )
    ).all()
    by_task = {(j.kind, j.task_id): j for j in live}
    timers = {t.task_id: t for t in state.timers}
    calls = {c.task_id: c for c in state.service_calls}
    for job in live:
        wanted = timers if job.kind == JobKind.TIMER else calls
        if job.task_id not in wanted:  # the task moved on without this job (e.g. an interrupting event)
            job.status = JobStatus.CANCELLED
            job.finished_at = now
    for task_id, timer in timers.items():
        job = by_task.get((JobKind.TIMER, task_id))
        if job is not None:
            job.due_at = timer.due_at  # a cycle timer moves on to its next firing
            continue
        session.add(
            Job(kind=JobKind.TIMER, status=JobStatus.PENDING, instance_id=instance.id, task_id=task_id,
                element_id=timer.element_id, due_at=timer.due_at, max_attempts=1, created_at=now,
                idempotency_key=f"timer:{task_id}:{timer.due_at.isoformat()}")
        )
    for task_id, call in calls.items():
        if (JobKind.SERVICE, task_id) in by_task:
            continue
        operator = ctx.operators.get(call.operator)
        tries = call.retries or operator.tries or ctx.settings.worker.retry_tries
        session.add(
            Job(kind=JobKind.SERVICE, status=JobStatus.PENDING, instance_id=instance.id, task_id=task_id,
                element_id=call.element_id, operator=call.operator, payload={"params": dict(call.params), "backoff_base": call.backoff_base},
                due_at=now, max_attempts=tries, created_at=now, idempotency_key=f"service:{task_id}")
        )


def _mirror_subscriptions(session: Session, instance: ProcessInstance, state: Snapshot) -> None:
    current = session.scalars(select(MessageSubscription).where(MessageSubscription.instance_id == instance.id)).all()
    have = {(s.task_id, s.message_name): s for s in current}
    want = {(m.task_id, m.message_name): m for m in state.messages}
    stale = [s for key, s in have.items() if key not in want]
    for subscription in stale:
        session.delete(subscription)  # through the ORM, so its key rows leave the session too
    if stale:
        session.flush()  # before new rows may reuse the freed ids
    for key, message in want.items():
        if key in have:
            continue
        subscription = MessageSubscription(
            instance_id=instance.id, task_id=message.task_id, element_id=message.element_id, message_name=message.message_name
        )
        subscription.keys = [SubscriptionKey(key=k, value=v) for k, v in sorted(message.correlation.items())]
        session.add(subscription)
