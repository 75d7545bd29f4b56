"""The demo-like paths through the engine services: human task, timer, async service task, message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.db.models import Job, JobStatus
from engine.errors import NoMatch
from engine.services.instances import show_instance, start_instance
from engine.services.jobs import retry_incident, run_due
from engine.services.messages import deliver_message
from engine.services.tasks import complete_task, list_tasks


def test_parallel_branches_join_after_both_people_complete(ipflow):
    instance = start_instance(ipflow, "parallel_review", {}, business_key="K-1", actor="clerk")
    assert sorted(instance.current) == ["left", "right"]
    left = list_tasks(ipflow, user="clerk")[0]
    right = list_tasks(ipflow, user="examiner")[0]
    assert (left.name, right.name) == ("Left check", "Right check")

    complete_task(ipflow, left.id, "clerk", {"note": "left ok"})
    assert show_instance(ipflow, instance.id).status == "running"
    complete_task(ipflow, right.id, "examiner", {"note": "right ok"})

    done = show_instance(ipflow, instance.id)
    assert done.status == "completed"
    assert done.data["both_done"] is True
    completed = [h.element_id for h in done.history if h.kind == "element_completed"]
    assert {"left", "right", "join", "summarise", "end"} <= set(completed)


def test_timer_waits_for_the_injected_clock_and_fires_once(ipflow, clock):
    instance = start_instance(ipflow, "deadline", {}, business_key="K-2")
    view = show_instance(ipflow, instance.id)
    timer = [j for j in view.pending_jobs if j["kind"] == "timer"][0]
    assert timer["due_at"] == "2026-05-02T09:00:00+00:00"  # two calendar months after 2 March, 09:00

    clock.advance(days=60)  # 1 May: not yet
    assert run_due(ipflow).ran == []
    assert show_instance(ipflow, instance.id).status == "running"

    clock.advance(days=1, seconds=1)
    assert len(run_due(ipflow).ran) == 1
    assert run_due(ipflow).ran == []
    done = show_instance(ipflow, instance.id)
    assert done.status == "completed"
    assert done.data["outcome"] == "withdrawn"
    assert [h.kind for h in done.history].count("timer_fired") == 1


def test_message_before_the_deadline_cancels_the_timer(ipflow, clock):
    instance = start_instance(ipflow, "deadline", {}, business_key="K-3")
    assert deliver_message(ipflow, "reply_received", {"business_key": "K-3"}, {"note": "reply"}) == instance.id
    view = show_instance(ipflow, instance.id)
    assert [t.name for t in view.open_tasks] == ["Record reply"]
    assert view.pending_jobs == ()
    assert view.waiting_messages == ()
    clock.advance(days=90)
    assert run_due(ipflow).ran == []  # the cancelled timer never fires
    with ipflow.db.reading() as session:
        assert session.query(Job).filter(Job.status == JobStatus.CANCELLED).count() == 1


def test_message_to_nobody_and_to_two_instances_are_refused(ipflow):
    with pytest.raises(NoMatch, match="no process instance is waiting") as none:
        deliver_message(ipflow, "reply_received", {"business_key": "nobody"})
    assert none.value.matches == 0
    start_instance(ipflow, "deadline", {}, business_key="same")
    start_instance(ipflow, "deadline", {}, business_key="same")
    with pytest.raises(NoMatch, match="matches 2 instances") as two:
        deliver_message(ipflow, "reply_received", {"business_key": "same"})
    assert two.value.matches == 2


def test_failing_operator_retries_with_backoff_then_incident_then_retry_completes(ipflow, clock, gateway):
    gateway.failures_left = 5
    instance = start_instance(ipflow, "flaky_call", {"amount": 850}, business_key="K-4")
    assert show_instance(ipflow, instance.id).current == ("call",)

    first = run_due(ipflow)
    assert first.failed and not first.incidents
    job = show_instance(ipflow, instance.id).pending_jobs[0]
    assert (job["attempts"], job["due_at"]) == (1, (clock.now() + timedelta(seconds=60)).isoformat())

    clock.advance(seconds=60)
    assert run_due(ipflow).failed
    clock.advance(seconds=300)
    third = run_due(ipflow)
    assert third.incidents
    view = show_instance(ipflow, instance.id)
    assert view.pending_jobs[0]["status"] == "incident"
    assert "gateway unreachable" in view.last_error
    clock.advance(days=1)
    assert run_due(ipflow).ran == []  # an incident waits for a person

    gateway.failures_left = 0
    retry_incident(ipflow, view.pending_jobs[0]["id"], actor="manager")
    assert len(run_due(ipflow).ran) == 1
    done = show_instance(ipflow, instance.id)
    assert done.status == "completed"
    assert done.data["answer"]["charged"] == 850
    assert gateway.calls == 4


def test_completed_instance_refuses_further_messages(ipflow, clock):
    instance = start_instance(ipflow, "deadline", {}, business_key="K-5")
    clock.advance(days=70)
    run_due(ipflow)
    assert show_instance(ipflow, instance.id).status == "completed"
    with pytest.raises(NoMatch):
        deliver_message(ipflow, "reply_received", {"business_key": "K-5"})


def test_a_service_tasks_own_retry_rule_beats_the_operators(ipflow, clock, gateway):
    gateway.failures_left = 5
    instance = start_instance(ipflow, "flaky_retry", {"amount": 10}, business_key="K-6")
    assert run_due(ipflow).failed
    job = show_instance(ipflow, instance.id).pending_jobs[0]
    assert job["due_at"] == (clock.now() + timedelta(seconds=10)).isoformat()  # backoff_base, not the operator's 60
    clock.advance(seconds=10)
    assert run_due(ipflow).incidents  # retries="2": the second failure is the last
