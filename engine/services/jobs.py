"""Use cases of jobs: run the due ones once (timers and asynchronous service calls).

Each job runs in its own transaction, so one failing instance never stops the others. A failed
service call is retried with backoff and becomes an incident after its last try.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from engine.container import Ipflow
from engine.db.models import InstanceStatus, Job, JobKind, JobStatus, ProcessInstance
from engine.errors import ConcurrentUpdate, Conflict, IpflowError, NotFound, OperatorError
from engine.runtime.operators import OperatorContext
from engine.runtime.runner import complete_service_call, find_task
from engine.services.stepping import audit, step


@dataclass
class RunReport:
    ran: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    incidents: list[int] = field(default_factory=list)


def due_job_ids(ctx: Ipflow, now: datetime, limit: int = 1000) -> list[int]:
    with ctx.db.reading() as session:
        return list(
            session.scalars(
                select(Job.id)
                .where(Job.status == JobStatus.PENDING, Job.due_at <= now, Job.kind.in_([JobKind.TIMER, JobKind.SERVICE]))
                .order_by(Job.due_at, Job.id)
                .limit(limit)
            )
        )


def run_due(ctx: Ipflow, limit: int = 1000) -> RunReport:
    """Run every timer and service job due by the clock's now, in due order, once each."""
    report = RunReport()
    for job_id in due_job_ids(ctx, ctx.clock.now(), limit):
        try:
            run_job(ctx, job_id)
            report.ran.append(job_id)
        except ConcurrentUpdate:
            continue  # someone else moved the instance; the job stays due and is tried next sweep
        except IpflowError as exc:
            if record_failure(ctx, job_id, exc):
                report.incidents.append(job_id)
            report.failed.append((job_id, str(exc)))
    return report


def run_job(ctx: Ipflow, job_id: int) -> None:
    with ctx.db.transaction() as session:
        job = session.get(Job, job_id)
        if job is None or job.status != JobStatus.PENDING:
            return
        instance = session.get(ProcessInstance, job.instance_id)
        if instance is None or instance.status in (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED):
            job.status, job.finished_at = JobStatus.CANCELLED, ctx.clock.now()
            return
        job.attempts += 1
        actor = "timer" if job.kind == JobKind.TIMER else f"operator:{job.operator}"
        with step(ctx, session, job.instance_id, actor=actor) as current:
            if job.kind == JobKind.SERVICE:
                result = _call_operator(ctx, current, job)
                complete_service_call(current.workflow, job.task_id, result)
                current.completed.append((job.task_id, job.element_id))
        session.refresh(job)
        if job.status == JobStatus.PENDING and job.kind == JobKind.TIMER and job.due_at > ctx.clock.now():
            return  # a cycle timer moved on to its next firing; the mirror updated its due time
        if job.status == JobStatus.PENDING:
            job.status = JobStatus.DONE
        job.finished_at = ctx.clock.now()
        audit(session, ctx, "timer_fired" if job.kind == JobKind.TIMER else "service_completed", actor,
              job.instance_id, task_id=job.task_id, element_id=job.element_id)


def _call_operator(ctx: Ipflow, current, job: Job):
    operator = ctx.operators.get(job.operator)
    task_data = _task_data(current.workflow, job.task_id)
    context = OperatorContext(
        instance_id=job.instance_id,
        business_key=current.instance.business_key,
        task_id=job.task_id,
        element_id=job.element_id or "",
        data=task_data,
        idempotency_key=job.idempotency_key or f"job:{job.id}",
        services={"session": current.session, "clock": ctx.clock, "settings": ctx.settings, "instance": current.instance, "ipflow": ctx},
    )
    try:
        return operator(context, (job.payload or {}).get("params", {}))
    except IpflowError:
        raise
    except Exception as exc:
        raise OperatorError(f"operator {job.operator!r} failed: {type(exc).__name__}: {exc}") from exc


def _task_data(workflow, task_id: str) -> dict:
    try:
        return dict(find_task(workflow, task_id).data)
    except NotFound:
        return {}


def record_failure(ctx: Ipflow, job_id: int, error: Exception) -> bool:
    """Count a failed try in its own transaction; schedule the retry or raise an incident.
    Returns True when the job became an incident."""
    with ctx.db.transaction() as session:
        job = session.get(Job, job_id)
        if job is None:
            return False
        job.attempts += 1  # the try that failed was rolled back with everything else
        job.last_error = str(error)
        if job.attempts >= job.max_attempts:
            job.status = JobStatus.INCIDENT
            instance = session.get(ProcessInstance, job.instance_id)
            if instance is not None:
                instance.last_error = f"{job.element_id}: {error}"
            audit(session, ctx, "incident", "engine", job.instance_id, task_id=job.task_id, element_id=job.element_id,
                  data={"error": str(error), "attempts": job.attempts})
            return True
        backoff = ctx.settings.worker.retry_backoff_seconds
        operator = ctx.operators.get(job.operator) if job.operator and job.operator in ctx.operators else None
        if operator is not None and operator.backoff:
            backoff = operator.backoff
        delay = backoff[min(job.attempts - 1, len(backoff) - 1)]
        job.due_at = ctx.clock.now() + timedelta(seconds=delay)
        return False


def retry_incident(ctx: Ipflow, job_id: int, actor: str) -> None:
    """A person has repaired the cause: make the job due now with a fresh set of tries."""
    with ctx.db.transaction() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFound(f"job {job_id} does not exist")
        if job.status != JobStatus.INCIDENT:
            raise Conflict(f"job {job_id} is {job.status}, not an incident")
        job.status, job.attempts, job.due_at = JobStatus.PENDING, 0, ctx.clock.now()
        instance = session.get(ProcessInstance, job.instance_id)
        if instance is not None:
            instance.last_error = None
        audit(session, ctx, "incident_retried", actor, job.instance_id, task_id=job.task_id, element_id=job.element_id)
