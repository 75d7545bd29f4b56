"""Use cases of an operator on one process instance: suspend it, resume it, terminate it, retry
one of its incidents. Each takes the instance lock, writes an audit row naming the actor and the
reason, and is one transaction.

    suspend    running -> suspended: the worker skips its due jobs and its tasks refuse completion
    resume     suspended -> running: timers that fell due meanwhile fire at the next sweep
    terminate  running or suspended -> terminated: open tasks and pending jobs are cancelled, the
               message subscriptions dropped; nothing more happens in it
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import HumanTask, InstanceStatus, Job, JobStatus, MessageSubscription, ProcessInstance, TaskStatus
from engine.errors import Conflict, InvalidInput
from engine.services.instances import show_instance
from engine.services.jobs import retry_incident
from engine.services.stepping import audit, lock_instance
from engine.services.views import InstanceView

MAX_REASON = 500
FINISHED = (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED)
OPEN_JOBS = (JobStatus.PENDING, JobStatus.RUNNING, JobStatus.INCIDENT)


def suspend_instance(ctx: Ipflow, instance_id: int, reason: str, actor: str) -> InstanceView:
    """Hold a running instance: nothing runs in it until it is resumed."""
    reason = checked_reason(reason)
    with ctx.db.transaction() as session:
        instance = _live(ctx, session, instance_id, "suspended")
        if instance.status == InstanceStatus.SUSPENDED:
            raise Conflict(f"process instance {instance_id} is already suspended; resume it or leave it")
        _set_status(ctx, instance, InstanceStatus.SUSPENDED)
        audit(session, ctx, "instance_suspended", actor, instance_id, data={"reason": reason})
    return show_instance(ctx, instance_id, with_history=False)


def resume_instance(ctx: Ipflow, instance_id: int, reason: str, actor: str) -> InstanceView:
    """Let a suspended instance run again; jobs that fell due meanwhile are due at once."""
    reason = checked_reason(reason)
    with ctx.db.transaction() as session:
        instance = _live(ctx, session, instance_id, "resumed")
        if instance.status != InstanceStatus.SUSPENDED:
            raise Conflict(
                f"process instance {instance_id} is {instance.status}, not suspended; only a suspended instance is resumed"
            )
        _set_status(ctx, instance, InstanceStatus.RUNNING)
        audit(session, ctx, "instance_resumed", actor, instance_id, data={"reason": reason})
    return show_instance(ctx, instance_id, with_history=False)


def terminate_instance(ctx: Ipflow, instance_id: int, reason: str, actor: str) -> InstanceView:
    """End an instance for good: cancel its open tasks and pending jobs, drop its subscriptions."""
    reason = checked_reason(reason)
    with ctx.db.transaction() as session:
        instance = _live(ctx, session, instance_id, "terminated")
        now = ctx.clock.now()
        tasks = session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.status == TaskStatus.OPEN)
        ).all()
        for task in tasks:
            task.status = TaskStatus.CANCELLED
        jobs = session.scalars(select(Job).where(Job.instance_id == instance_id, Job.status.in_(OPEN_JOBS))).all()
        for job in jobs:
            job.status, job.finished_at, job.lease_owner, job.lease_expires_at = JobStatus.CANCELLED, now, None, None
        session.execute(delete(MessageSubscription).where(MessageSubscription.instance_id == instance_id))
        _set_status(ctx, instance, InstanceStatus.TERMINATED)
        instance.completed_at = now
        audit(session, ctx, "instance_terminated", actor, instance_id,
              data={"reason": reason, "cancelled_tasks": [t.element_id for t in tasks], "cancelled_jobs": [j.id for j in jobs]})  # fmt: skip
    return show_instance(ctx, instance_id, with_history=False)


def retry_instance_incident(ctx: Ipflow, instance_id: int, job_id: int, actor: str) -> InstanceView:
    """Retry an incident of this instance (the job must belong to it)."""
    retry_incident(ctx, job_id, actor, instance_id=instance_id)
    return show_instance(ctx, instance_id, with_history=False)


def checked_reason(reason: object) -> str:
    """The operator's reason, trimmed: 1 to MAX_REASON characters of text."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text or len(text) > MAX_REASON:
        raise InvalidInput("give a reason", {"reason": [f"Say why, in 1 to {MAX_REASON} characters; the history keeps it."]})
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise InvalidInput("give a reason", {"reason": ["Use plain text without control characters."]})
    return text


def _live(ctx: Ipflow, session: Session, instance_id: int, becoming: str) -> ProcessInstance:
    """The instance under its lock, if it has not finished; Conflict says when it finished."""
    instance = lock_instance(ctx, session, instance_id)
    if instance.status in FINISHED:
        when = f" on {instance.completed_at:%Y-%m-%d %H:%M} UTC" if instance.completed_at else ""
        raise Conflict(f"process instance {instance_id} is {instance.status}{when}; a finished instance cannot be {becoming}")
    return instance


def _set_status(ctx: Ipflow, instance: ProcessInstance, status: InstanceStatus) -> None:
    instance.status = status
    instance.updated_at = ctx.clock.now()


__all__ = ["checked_reason", "resume_instance", "retry_instance_incident", "suspend_instance", "terminate_instance"]
