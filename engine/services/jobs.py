"""Use cases of jobs: claim the due ones under a lease, run each once, retry, raise incidents.

    claim  ─ one transaction: due PENDING jobs (and RUNNING ones whose lease ran out) become
             RUNNING with this worker as lease owner. PostgreSQL: FOR UPDATE SKIP LOCKED, so
             workers never wait on each other; SQLite: the one-writer lock does the same job.
    run    ─ one transaction per job: lock the job row, check we still own it, step the instance
             (timer fires / service call completes) or send the mail, mark it DONE.
    fail   ─ its own transaction: count the try, schedule the retry with backoff, or raise an
             incident after the last try. A lock conflict is put back without using up a try.

Delivery is at-least-once: a worker that dies mid-job leaves the lease to run out, and another
worker runs the job again. Everything a job does in the database is rolled back with the dying
transaction; what leaves the database (mail) carries an idempotency key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, or_, select

from engine.container import Ipflow
from engine.db.models import InstanceStatus, Job, JobKind, JobStatus, ProcessInstance
from engine.errors import ConcurrentUpdate, Conflict, IpflowError, NotFound, OperatorError
from engine.runtime.operators import OperatorContext
from engine.runtime.runner import complete_service_call, find_task
from engine.services.mail import send_mail_job
from engine.services.stepping import audit, operator_services, step


@dataclass
class RunReport:
    ran: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    incidents: list[int] = field(default_factory=list)
    released: list[int] = field(default_factory=list)  # lost a race on an instance; due again at once


def claim_due(ctx: Ipflow, owner: str, limit: int) -> list[int]:
    """Take up to `limit` due jobs (oldest due first) under a lease for `owner`."""
    now = ctx.clock.now()
    lease = timedelta(seconds=ctx.settings.worker.lease_seconds)
    with ctx.db.transaction() as session:
        query = (
            select(Job)
            .where(
                or_(
                    and_(Job.status == JobStatus.PENDING, Job.due_at <= now),
                    and_(Job.status == JobStatus.RUNNING, Job.lease_expires_at < now),
                ),
                # a suspended instance runs nothing: its jobs wait, due as they were, until it is resumed
                Job.instance_id.is_(None) | Job.instance_id.not_in(_suspended_instances()),
            )
            .order_by(Job.due_at, Job.id)
            .limit(limit)
        )
        if ctx.db.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        jobs = session.scalars(query).all()
        for job in jobs:
            job.status, job.lease_owner, job.lease_expires_at = JobStatus.RUNNING, owner, now + lease
        return [job.id for job in jobs]


def _suspended_instances():
    return select(ProcessInstance.id).where(ProcessInstance.status == InstanceStatus.SUSPENDED)


def run_due(ctx: Ipflow, owner: str = "cli", limit: int = 1000) -> RunReport:
    """Claim what is due by the clock's now and run it, in due order, once each."""
    report = RunReport()
    for job_id in claim_due(ctx, owner, limit):
        run_claimed(ctx, job_id, owner, report)
    return report


def run_claimed(ctx: Ipflow, job_id: int, owner: str, report: RunReport) -> None:
    """Run one claimed job; whatever happens, record it so that the sweep carries on."""
    try:
        if run_job(ctx, job_id, owner):
            report.ran.append(job_id)
    except ConcurrentUpdate:
        release(ctx, job_id, owner)
        report.released.append(job_id)
    except Exception as exc:  # an operator's bug must not stop the sweep for other instances
        error = exc if isinstance(exc, IpflowError) else OperatorError(f"{type(exc).__name__}: {exc}")
        if record_failure(ctx, job_id, owner, error):
            report.incidents.append(job_id)
        report.failed.append((job_id, str(error)))


def run_job(ctx: Ipflow, job_id: int, owner: str) -> bool:
    """Run a job this worker holds the lease of. False when it is no longer ours to run."""
    with ctx.db.transaction() as session:
        query = select(Job).where(Job.id == job_id).execution_options(populate_existing=True)
        if ctx.db.dialect == "postgresql":
            query = query.with_for_update()
        job = session.scalar(query)
        if job is None or job.status != JobStatus.RUNNING or job.lease_owner != owner:
            return False  # our lease ran out and another worker took it over
        if job.kind == JobKind.MAIL:
            send_mail_job(ctx, session, job)
            _finish(ctx, job)
            return True
        instance = session.get(ProcessInstance, job.instance_id)
        if instance is None or instance.status in (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED):
            job.status, job.finished_at = JobStatus.CANCELLED, ctx.clock.now()
            return True
        if instance.status == InstanceStatus.SUSPENDED:  # suspended after the claim: give it back, no try used
            job.status, job.lease_owner, job.lease_expires_at = JobStatus.PENDING, None, None
            return False
        actor = "timer" if job.kind == JobKind.TIMER else f"operator:{job.operator}"
        with step(ctx, session, job.instance_id, actor=actor) as current:
            if job.kind == JobKind.SERVICE:
                result = _call_operator(ctx, current, job)
                complete_service_call(current.workflow, job.task_id, result)
                current.completed.append((job.task_id, job.element_id))
        session.refresh(job)
        if job.kind == JobKind.TIMER and job.status == JobStatus.RUNNING and job.due_at > ctx.clock.now():
            # a cycle timer moved on to its next firing (the mirror updated its due time)
            job.status, job.lease_owner, job.lease_expires_at = JobStatus.PENDING, None, None
        else:
            _finish(ctx, job)
        audit(session, ctx, "timer_fired" if job.kind == JobKind.TIMER else "service_completed", actor,
              job.instance_id, task_id=job.task_id, element_id=job.element_id)
        return True


def _finish(ctx: Ipflow, job: Job) -> None:
    job.status, job.finished_at, job.lease_expires_at = JobStatus.DONE, ctx.clock.now(), None
    job.attempts += 1


def _call_operator(ctx: Ipflow, current, job: Job):
    operator = ctx.operators.get(job.operator)
    try:
        data = dict(find_task(current.workflow, job.task_id).data)
    except NotFound:
        data = {}
    context = OperatorContext(
        instance_id=job.instance_id,
        business_key=current.instance.business_key,
        task_id=job.task_id,
        element_id=job.element_id or "",
        data=data,
        idempotency_key=job.idempotency_key or f"job:{job.id}",
        services=operator_services(ctx, current.session, current.instance),
    )
    try:
        return operator(context, (job.payload or {}).get("params", {}))
    except IpflowError:
        raise
    except Exception as exc:
        raise OperatorError(f"operator {job.operator!r} failed: {type(exc).__name__}: {exc}") from exc


def release(ctx: Ipflow, job_id: int, owner: str) -> None:
    """Give a job back (it lost a race on its instance): due again at once, no try used up."""
    with ctx.db.transaction() as session:
        job = session.get(Job, job_id)
        if job is not None and job.status == JobStatus.RUNNING and job.lease_owner == owner:
            job.status, job.lease_owner, job.lease_expires_at = JobStatus.PENDING, None, None


def record_failure(ctx: Ipflow, job_id: int, owner: str, error: Exception) -> bool:
    """Count a failed try in its own transaction; schedule the retry or raise an incident.
    Returns True when the job became an incident."""
    with ctx.db.transaction() as session:
        job = session.get(Job, job_id)
        if job is None or job.lease_owner != owner:
            return False
        job.attempts += 1
        job.last_error = str(error)
        job.lease_owner, job.lease_expires_at = None, None
        if job.attempts >= job.max_attempts:
            job.status = JobStatus.INCIDENT
            instance = session.get(ProcessInstance, job.instance_id) if job.instance_id else None
            if instance is not None:
                instance.last_error = f"{job.element_id}: {error}"
            audit(session, ctx, "incident", "engine", job.instance_id, task_id=job.task_id, element_id=job.element_id,
                  data={"error": str(error), "attempts": job.attempts, "kind": str(job.kind)})
            return True
        job.status = JobStatus.PENDING
        job.due_at = ctx.clock.now() + timedelta(seconds=_backoff(ctx, job))
        return False


def _backoff(ctx: Ipflow, job: Job) -> int:
    """Seconds before the next try: the service task's own `backoff_base` (x5 per try: 1, 5, 25
    minutes from 60), else the operator's list, else config.yaml's worker.retry.backoff_seconds."""
    base = (job.payload or {}).get("backoff_base")
    if base:
        return int(base) * 5 ** (job.attempts - 1)
    backoff = ctx.settings.worker.retry_backoff_seconds
    if job.operator and job.operator in ctx.operators and ctx.operators.get(job.operator).backoff:
        backoff = ctx.operators.get(job.operator).backoff
    return backoff[min(job.attempts - 1, len(backoff) - 1)]


def retry_incident(ctx: Ipflow, job_id: int, actor: str, instance_id: int | None = None) -> None:
    """A person has repaired the cause: make the job due now with a fresh set of tries (of
    `instance_id`'s jobs only, when given)."""
    with ctx.db.transaction() as session:
        job = session.get(Job, job_id)
        if job is None or (instance_id is not None and job.instance_id != instance_id):
            where = f" in process instance {instance_id}" if instance_id is not None else ""
            raise NotFound(f"job {job_id} does not exist{where}")
        if job.status != JobStatus.INCIDENT:
            raise Conflict(f"job {job_id} is {job.status}, not an incident; only incidents are retried by hand")
        job.status, job.attempts, job.due_at = JobStatus.PENDING, 0, ctx.clock.now()
        instance = session.get(ProcessInstance, job.instance_id) if job.instance_id else None
        if instance is not None:
            instance.last_error = None
        audit(session, ctx, "incident_retried", actor, job.instance_id, task_id=job.task_id, element_id=job.element_id)
