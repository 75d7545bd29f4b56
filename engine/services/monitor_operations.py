"""Operations on many instances at once (the monitor's ticked rows), and retrying incidents with a
reason. Each instance is its own transaction: a refusal (finished, not suspended, no incident, a
token that cannot move) is reported with its reason and never stops the others."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select

from engine.container import Ipflow
from engine.db.models import Job, JobStatus, ProcessInstance
from engine.errors import Conflict, InvalidInput, IpflowError
from engine.services.instance_operations import checked_reason, resume_instance, suspend_instance, terminate_instance
from engine.services.stepping import audit, lock_instance, retrying
from engine.services.token_moves import move_token

MAX_PER_CALL = 100
OPERATIONS = ("suspend", "resume", "terminate", "retry", "move")


@dataclass(frozen=True)
class BulkOutcome:
    done: tuple[tuple[int, str | None], ...]  # (instance id, business key)
    refused: tuple[tuple[int, str | None, str], ...]  # (instance id, business key, reason a person can act on)


def retry_incidents(ctx: Ipflow, instance_id: int, reason: str, actor: str, job_id: int | None = None) -> int:
    """Make the instance's incidents (or the one given) due now with fresh tries; audited with the
    reason. Returns how many were retried; Conflict when there was none."""
    reason = checked_reason(reason)
    with ctx.db.transaction() as session:
        instance = lock_instance(ctx, session, instance_id)
        query = select(Job).where(Job.instance_id == instance_id, Job.status == JobStatus.INCIDENT)
        jobs = session.scalars(query.where(Job.id == job_id) if job_id is not None else query).all()
        if not jobs:
            what = (
                f"job {job_id} of process instance {instance_id} is not an incident"
                if job_id is not None
                else f"process instance {instance_id} has no incident"
            )
            raise Conflict(f"{what}; only incidents are retried by hand")
        for job in jobs:
            job.status, job.attempts, job.due_at = JobStatus.PENDING, 0, ctx.clock.now()
            audit(session, ctx, "incident_retried", actor, instance_id, task_id=job.task_id, element_id=job.element_id,
                  data={"reason": reason, "job_id": job.id, "error": job.last_error})  # fmt: skip
        instance.last_error = None
        return len(jobs)


def run_bulk(ctx: Ipflow, operation: str, instance_ids: Iterable[object], reason: str, actor: str, to: str = "") -> BulkOutcome:
    """Apply one operation, with one reason, to each instance in turn."""
    if operation not in OPERATIONS:
        raise InvalidInput(f"unknown operation {operation!r}", {"operation": [f"Choose one of: {', '.join(OPERATIONS)}."]})
    reason = checked_reason(reason)
    ids = _ids(instance_ids)
    if operation == "move" and not (to or "").strip():
        raise InvalidInput("choose the step to move to", {"to": ["Choose a step of the process."]})
    act = _action(operation, reason, actor, to)
    with ctx.db.reading() as session:
        keys = dict(
            session.execute(select(ProcessInstance.id, ProcessInstance.business_key).where(ProcessInstance.id.in_(ids))).all()
        )
    done, refused = [], []
    for instance_id in ids:
        if instance_id not in keys:
            refused.append((instance_id, None, f"process instance {instance_id} does not exist"))
            continue
        try:
            retrying(3, lambda i=instance_id: act(ctx, i))
        except IpflowError as exc:
            refused.append((instance_id, keys[instance_id], _sentence(exc)))
        else:
            done.append((instance_id, keys[instance_id]))
    return BulkOutcome(tuple(done), tuple(refused))


def _action(operation: str, reason: str, actor: str, to: str) -> Callable[[Ipflow, int], object]:
    return {
        "suspend": lambda ctx, i: suspend_instance(ctx, i, reason, actor),
        "resume": lambda ctx, i: resume_instance(ctx, i, reason, actor),
        "terminate": lambda ctx, i: terminate_instance(ctx, i, reason, actor),
        "retry": lambda ctx, i: retry_incidents(ctx, i, reason, actor),
        "move": lambda ctx, i: move_token(ctx, i, to, reason, actor),
    }[operation]


def _sentence(exc: IpflowError) -> str:
    fields = getattr(exc, "fields", None) or {}
    return " ".join(m for messages in fields.values() for m in messages) or str(exc)


def _ids(instance_ids: Iterable[object]) -> list[int]:
    ids: list[int] = []
    for raw in instance_ids:
        if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).strip().isdigit() or not 0 < int(raw) < 2**31:
            raise InvalidInput("instance ids must be whole numbers", {"instance_ids": [f"{raw!r} is not an instance id."]})
        ids.append(int(raw))
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise InvalidInput("no instance chosen", {"instance_ids": ["Tick at least one instance."]})
    if len(ids) > MAX_PER_CALL:
        raise InvalidInput(
            "too many instances at once", {"instance_ids": [f"Send at most {MAX_PER_CALL} instances per request."]}
        )
    return ids


__all__ = ["OPERATIONS", "BulkOutcome", "retry_incidents", "run_bulk"]
