"""An operator suspends, resumes and terminates instances and retries their incidents: a suspended
instance runs nothing (its due timer waits, its tasks refuse completion), resuming fires what fell
due meanwhile, terminating cancels everything open; every action is audited with its reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.db.models import AuditEvent, HumanTask, Job, JobStatus, MessageSubscription, TaskStatus
from engine.errors import Conflict, InvalidInput, NotFound
from engine.services.instance_operations import (
    resume_instance,
    retry_instance_incident,
    suspend_instance,
    terminate_instance,
)
from engine.services.instances import show_instance, start_instance
from engine.services.jobs import RunReport, claim_due, run_claimed, run_due
from engine.services.messages import deliver_message
from engine.services.tasks import complete_task


def audited(ipflow, instance_id: int, kind: str) -> list[tuple[str, dict]]:
    with ipflow.db.reading() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id, AuditEvent.kind == kind))
        return [(row.actor, row.data) for row in rows]


def test_a_timer_due_while_suspended_waits_and_fires_once_resumed(ipflow, clock):
    instance = start_instance(ipflow, "deadline", {}, business_key="S-1")
    view = suspend_instance(ipflow, instance.id, "  court case pending  ", actor="manager")
    assert view.status == "suspended"

    clock.advance(days=70)  # the two months run out while it is suspended
    report = run_due(ipflow)
    assert report.ran == [] and report.failed == []
    held = show_instance(ipflow, instance.id)
    assert held.status == "suspended" and held.current == ("wait",)
    assert [(j["status"], j["attempts"]) for j in held.pending_jobs] == [("pending", 0)]  # no try used up

    resume_instance(ipflow, instance.id, "court decided", actor="manager")
    assert len(run_due(ipflow).ran) == 1  # fires at the next sweep, no further wait
    done = show_instance(ipflow, instance.id)
    assert done.status == "completed" and done.data["outcome"] == "withdrawn"
    assert audited(ipflow, instance.id, "instance_suspended") == [("manager", {"reason": "court case pending"})]
    assert audited(ipflow, instance.id, "instance_resumed") == [("manager", {"reason": "court decided"})]


def test_a_suspended_instance_refuses_messages_and_task_completion(ipflow):
    instance = start_instance(ipflow, "deadline", {}, business_key="S-2")
    deliver_message(ipflow, "reply_received", {"business_key": "S-2"})
    task = show_instance(ipflow, instance.id).open_tasks[0]
    suspend_instance(ipflow, instance.id, "wrong applicant", actor="manager")

    with pytest.raises(Conflict, match="suspended; a manager must resume it first"):
        complete_task(ipflow, task.id, "clerk", {"note": "too early"})
    with pytest.raises(Conflict, match="already suspended"):
        suspend_instance(ipflow, instance.id, "again", actor="manager")

    resume_instance(ipflow, instance.id, "sorted out", actor="manager")
    with pytest.raises(Conflict, match="is running, not suspended"):
        resume_instance(ipflow, instance.id, "twice", actor="manager")
    complete_task(ipflow, task.id, "clerk", {"note": "after resume"})
    assert show_instance(ipflow, instance.id).status == "completed"


def test_terminate_cancels_open_tasks_jobs_and_subscriptions(ipflow, clock):
    waiting = start_instance(ipflow, "deadline", {}, business_key="T-1")
    view = terminate_instance(ipflow, waiting.id, "withdrawn by the applicant", actor="manager")
    assert view.status == "terminated" and view.completed_at == clock.now()
    assert view.pending_jobs == () and view.waiting_messages == ()
    with ipflow.db.reading() as session:
        assert session.scalar(select(Job.status).where(Job.instance_id == waiting.id)) == JobStatus.CANCELLED
        assert session.scalar(select(MessageSubscription).where(MessageSubscription.instance_id == waiting.id)) is None

    with_task = start_instance(ipflow, "deadline", {}, business_key="T-2")
    deliver_message(ipflow, "reply_received", {"business_key": "T-2"})
    terminate_instance(ipflow, with_task.id, "duplicate filing", actor="admin")
    with ipflow.db.reading() as session:
        assert session.scalars(select(HumanTask.status).where(HumanTask.instance_id == with_task.id)).all() == [
            TaskStatus.CANCELLED
        ]
    [(actor, data)] = audited(ipflow, with_task.id, "instance_terminated")
    assert actor == "admin" and data["reason"] == "duplicate filing" and data["cancelled_tasks"] == ["record"]

    clock.advance(days=70)
    assert run_due(ipflow).ran == []  # nothing of either runs any more
    with pytest.raises(Conflict, match="is terminated.*cannot be terminated"):
        terminate_instance(ipflow, with_task.id, "again", actor="manager")
    with pytest.raises(Conflict, match="cannot be suspended"):
        suspend_instance(ipflow, waiting.id, "late", actor="manager")
    with pytest.raises(Conflict, match="cannot be resumed"):
        resume_instance(ipflow, waiting.id, "late", actor="manager")


def test_a_completed_instance_cannot_be_suspended(ipflow, clock):
    instance = start_instance(ipflow, "deadline", {}, business_key="C-1")
    clock.advance(days=70)
    run_due(ipflow)
    with pytest.raises(Conflict, match="is completed on .* a finished instance cannot be suspended"):
        suspend_instance(ipflow, instance.id, "too late", actor="manager")


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501, "bad\x00byte", None])
def test_an_operation_needs_a_reason(ipflow, reason):
    instance = start_instance(ipflow, "deadline", {}, business_key="R-1")
    with pytest.raises(InvalidInput) as refused:
        suspend_instance(ipflow, instance.id, reason, actor="manager")
    assert list(refused.value.fields) == ["reason"]
    assert show_instance(ipflow, instance.id).status == "running"


def test_retry_an_incident_of_this_instance_only(ipflow, clock, gateway):
    gateway.failures_left = 3
    failing = start_instance(ipflow, "flaky_call", {"amount": 5}, business_key="I-1")
    other = start_instance(ipflow, "deadline", {}, business_key="I-2")
    for wait in (0, 60, 300):
        clock.advance(seconds=wait)
        run_due(ipflow)
    [incident] = show_instance(ipflow, failing.id).pending_jobs
    assert incident["status"] == "incident"

    with pytest.raises(NotFound, match=f"in process instance {other.id}"):
        retry_instance_incident(ipflow, other.id, incident["id"], actor="manager")
    with pytest.raises(NotFound):
        retry_instance_incident(ipflow, failing.id, 999_999, actor="manager")

    view = retry_instance_incident(ipflow, failing.id, incident["id"], actor="manager")
    assert [(j["status"], j["attempts"]) for j in view.pending_jobs] == [("pending", 0)]
    with pytest.raises(Conflict, match="not an incident"):
        retry_instance_incident(ipflow, failing.id, incident["id"], actor="manager")
    assert len(run_due(ipflow).ran) == 1
    assert show_instance(ipflow, failing.id).status == "completed"
    assert audited(ipflow, failing.id, "incident_retried") == [("manager", None)]


def test_a_job_claimed_before_the_suspension_is_given_back_without_a_try(ipflow, clock):
    instance = start_instance(ipflow, "deadline", {}, business_key="L-1")
    clock.advance(days=70)
    [job_id] = claim_due(ipflow, "w1", 10)
    suspend_instance(ipflow, instance.id, "hold", actor="manager")
    report = RunReport()
    run_claimed(ipflow, job_id, "w1", report)
    assert report.ran == [] and report.failed == []
    with ipflow.db.reading() as session:
        job = session.get(Job, job_id)
        assert (job.status, job.attempts, job.lease_owner) == (JobStatus.PENDING, 0, None)
    clock.advance(timedelta(minutes=1))
    resume_instance(ipflow, instance.id, "go", actor="manager")
    assert run_due(ipflow).ran == [job_id]
