"""Read side of the worker's health: how many jobs are due, waiting, running, failed, in incident."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from engine.container import Ipflow
from engine.db.models import Job, JobStatus


@dataclass(frozen=True)
class JobCounts:
    due: int          # pending and due now: the backlog a worker should be clearing
    scheduled: int    # pending, due later (timers waiting for their time)
    running: int      # claimed under a lease
    retrying: int     # pending after at least one failed try
    incidents: int    # out of tries: a person must look
    done: int
    by_kind: dict     # kind -> pending count


def job_counts(ctx: Ipflow) -> JobCounts:
    now = ctx.clock.now()
    with ctx.db.reading() as session:
        pending = Job.status == JobStatus.PENDING
        row = session.execute(
            select(
                func.count().filter(pending & (Job.due_at <= now)),
                func.count().filter(pending & (Job.due_at > now)),
                func.count().filter(Job.status == JobStatus.RUNNING),
                func.count().filter(pending & (Job.attempts > 0)),
                func.count().filter(Job.status == JobStatus.INCIDENT),
                func.count().filter(Job.status == JobStatus.DONE),
            )
        ).one()
        kinds = session.execute(select(Job.kind, func.sum(case((pending, 1), else_=0))).group_by(Job.kind)).all()
    return JobCounts(*row, by_kind={str(k): int(n or 0) for k, n in kinds})


def incidents(ctx: Ipflow, limit: int = 100) -> list[dict]:
    with ctx.db.reading() as session:
        rows = session.scalars(select(Job).where(Job.status == JobStatus.INCIDENT).order_by(Job.id).limit(limit))
        return [{"id": j.id, "kind": str(j.kind), "instance_id": j.instance_id, "element_id": j.element_id,
                 "operator": j.operator, "attempts": j.attempts, "last_error": j.last_error} for j in rows]
