"""Claim, return and reassign: who may, what each refusal says, one winner when two people claim
at once, a bulk call that refuses some rows and still does the others, an audit row per change."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from engine.db.models import AuditEvent, HumanTask, User
from engine.errors import InvalidInput, NotFound, PermissionDenied
from engine.services.assignment import assignable_users, claim, reassign, unclaim
from inbox_seeding import add_task


def holder(ctx, task_id: str) -> str | None:
    with ctx.db.reading() as session:
        return session.get(HumanTask, task_id).assignee


def audit_rows(ctx, kind: str) -> list[tuple]:
    with ctx.db.reading() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id))
        return [(e.actor, e.task_id, e.element_id, e.data) for e in rows]


def test_claim_takes_an_offered_task_and_audits_it(ipflow):
    task = add_task(ipflow)
    result = claim(ipflow, "examiner", [task])
    assert result.done == (task,) and result.refused == ()
    assert holder(ipflow, task) == "examiner"
    assert audit_rows(ipflow, "task_claimed") == [("examiner", task, "examination", {"from": None, "to": "examiner"})]


def test_two_people_claiming_at_once_exactly_one_wins_and_the_other_is_told_who(ipflow):
    tasks = [add_task(ipflow) for _ in range(5)]
    for task in tasks:
        start, results = threading.Barrier(2), {}

        def grab(user, task=task, start=start, results=results):
            start.wait(timeout=30)
            results[user] = claim(ipflow, user, [task])

        threads = [threading.Thread(target=grab, args=(user,)) for user in ("examiner", "manager")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        winners = [user for user, result in results.items() if result.done == (task,)]
        assert len(winners) == 1, results
        loser = next(user for user in results if user not in winners)
        assert results[loser].refused == ((task, "Examine absolute grounds", f"already claimed by {winners[0]}"),)
        assert holder(ipflow, task) == winners[0]
    assert len(audit_rows(ipflow, "task_claimed")) == len(tasks)


def test_a_bulk_claim_does_the_good_rows_and_says_why_each_other_one_was_refused(ipflow):
    good = add_task(ipflow)
    taken = add_task(ipflow, assignee="manager")
    mine = add_task(ipflow, assignee="examiner")
    for_clerks = add_task(ipflow, roles=("clerk",), name="Check the filing date")
    done = add_task(ipflow, status="completed")
    also_good = add_task(ipflow, roles=("examiner", "registrar"))

    result = claim(ipflow, "examiner", [good, taken, mine, for_clerks, done, "no-such-id", also_good, good])
    assert result.done == (good, also_good)
    assert result.refused == (
        (taken, "Examine absolute grounds", "already claimed by manager"),
        (mine, "Examine absolute grounds", "already yours"),
        (for_clerks, "Check the filing date", "offered to clerk; you hold examiner"),
        (done, "Examine absolute grounds", "already completed by examiner"),
        ("no-such-id", "no-such-id", "no such task"),
    )
    assert holder(ipflow, taken) == "manager" and holder(ipflow, for_clerks) is None


def test_a_manager_may_claim_any_open_unassigned_task(ipflow):
    task = add_task(ipflow, roles=("analyst",))
    assert claim(ipflow, "manager", [task]).done == (task,)
    with pytest.raises(InvalidInput) as nothing:
        claim(ipflow, "manager", ["", "  "])
    assert "task_ids" in nothing.value.fields
    with pytest.raises(NotFound):
        claim(ipflow, "nobody", [task])


def test_return_to_group_by_the_holder_or_a_manager_only(ipflow):
    own, others, managed, free = (add_task(ipflow, assignee="examiner"), add_task(ipflow, assignee="registrar"),
                                  add_task(ipflow, assignee="clerk"), add_task(ipflow))
    result = unclaim(ipflow, "examiner", [own, others, free])
    assert result.done == (own,)
    assert result.refused == (
        (others, "Examine absolute grounds", "claimed by registrar; only they or a manager can return it"),
        (free, "Examine absolute grounds", "not claimed by anyone"),
    )
    assert unclaim(ipflow, "manager", [managed, others]).done == (managed, others)
    assert (holder(ipflow, own), holder(ipflow, others), holder(ipflow, managed)) == (None, None, None)
    assert [(actor, data) for actor, _, _, data in audit_rows(ipflow, "task_unclaimed")] == [
        ("examiner", {"from": "examiner", "to": None}),
        ("manager", {"from": "clerk", "to": None}),
        ("manager", {"from": "registrar", "to": None}),
    ]


def test_reassign_is_for_managers_and_only_to_someone_holding_one_of_the_tasks_roles(ipflow):
    exam = add_task(ipflow, assignee="clerk")
    for_clerks = add_task(ipflow, roles=("clerk", "registrar"), name="Check the filing date")
    closed = add_task(ipflow, status="completed")
    with pytest.raises(PermissionDenied):
        reassign(ipflow, "examiner", [exam], "examiner")
    with pytest.raises(InvalidInput) as unknown:
        reassign(ipflow, "manager", [exam], "ghost")
    assert "to" in unknown.value.fields

    result = reassign(ipflow, "manager", [exam, for_clerks, closed], "examiner")
    assert result.done == (exam,)
    assert result.refused == (
        (for_clerks, "Check the filing date", "examiner holds none of the roles it is offered to (clerk, registrar)"),
        (closed, "Examine absolute grounds", "already completed by examiner"),
    )
    assert holder(ipflow, exam) == "examiner"
    assert reassign(ipflow, "manager", [exam], "examiner").refused[0][2] == "already assigned to examiner"
    assert audit_rows(ipflow, "task_reassigned") == [("manager", exam, "examination", {"from": "clerk", "to": "examiner"})]


def test_reassign_refuses_an_inactive_person_and_lists_only_active_holders_of_the_roles(ipflow):
    task = add_task(ipflow)
    with ipflow.db.transaction() as session:
        session.scalar(select(User).where(User.username == "examiner")).active = False
    with pytest.raises(InvalidInput):
        reassign(ipflow, "manager", [task], "examiner")
    with ipflow.db.reading() as session:
        people = assignable_users(session, ["examiner", "registrar"])
    assert [(p.username, p.roles) for p in people] == [
        ("manager", ("clerk", "examiner", "manager", "registrar")), ("registrar", ("registrar",))]
