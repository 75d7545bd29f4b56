"""A manager's operations from the monitor: moving the token with a dry run that says what it
cancels and creates (the case then continues from the new step), refusals for moves the engine
cannot make cleanly, editing the data of a suspended instance only (validated, audited with before
and after), retrying incidents with a reason, and bulk runs where a refusal never stops the others."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from engine.db.models import AuditEvent, HumanTask, TaskStatus
from engine.errors import Conflict, InvalidInput
from engine.services.instance_operations import resume_instance, suspend_instance
from engine.services.instances import show_instance, start_instance
from engine.services.jobs import run_due
from engine.services.monitor_operations import retry_incidents, run_bulk
from engine.services.process_data_edit import edit_process_data
from engine.services.token_moves import move_choices, move_token, plan_move
from library_editing import deployed_office
from scenario_support import Office, trademark_filing


@pytest.fixture
def office(settings, clock, operators):
    with deployed_office(settings, clock, operators) as ctx:
        yield ctx


def audited(ctx, instance_id: int, kind: str) -> list[tuple[str, dict]]:
    with ctx.db.reading() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.instance_id == instance_id, AuditEvent.kind == kind).order_by(AuditEvent.id)
        )
        return [(row.actor, row.data) for row in rows]


def at_check(ctx) -> Office:
    case = Office(ctx).file("trademark", trademark_filing(goods_services=[{"nice_class": 3, "terms": "Soaps"}]))
    case.pay()
    assert case.current() == ("check",)
    return case


def test_a_dry_run_says_what_a_move_cancels_and_creates_and_the_move_does_it(office):
    case = at_check(office)
    assert "examination" in [s.element_id for s in move_choices(office, case.instance_id).steps]

    plan = plan_move(office, case.instance_id, "examination")
    assert (plan.source.element_id, plan.target.element_id) == ("check", "examination")
    assert plan.cancels == ("the open task 'Check the filing-date requirements' (check, not claimed)",)
    assert plan.creates == ("the user task 'Examine absolute grounds' (examination) for examiner, ready in the inbox",)
    assert case.current() == ("check",)  # a dry run changes nothing

    move_token(office, case.instance_id, "examination", "filed on paper, checked by hand", actor="manager")
    assert case.current() == ("examination",)
    with office.db.reading() as session:
        statuses = dict(
            session.execute(select(HumanTask.element_id, HumanTask.status).where(HumanTask.instance_id == case.instance_id)).all()
        )
    assert statuses == {"check": TaskStatus.CANCELLED, "examination": TaskStatus.OPEN}
    [(actor, data)] = audited(office, case.instance_id, "token_moved")
    assert (actor, data["reason"], data["from"], data["to"]) == (
        "manager",
        "filed on paper, checked by hand",
        "check",
        "examination",
    )
    assert data["cancelled"] == list(plan.cancels)

    case.complete("examination", decision="accept")  # the case continues from the new step
    assert case.current() == ("opposition_wait",)
    assert show_instance(office, case.instance_id).pending_jobs[0]["element_id"] == "opposition_wait"


def test_a_move_back_keeps_the_data_and_runs_the_step_again(office):
    case = at_check(office)
    case.complete("check", filing_date_met="yes")
    case.complete("formalities")
    assert case.current() == ("classification",)
    move_token(office, case.instance_id, "formalities", "formalities were checked against the wrong fee table", actor="manager")
    assert case.current() == ("formalities",)
    assert show_instance(office, case.instance_id).data["filing_date_met"] == "yes"
    case.complete("formalities")
    assert case.current() == ("classification",)


def test_moves_the_engine_cannot_make_cleanly_are_refused(office):
    unpaid = Office(office).file("trademark", trademark_filing())
    with pytest.raises(Conflict, match="inside 'Collect the filing fee' .*cannot be moved out of a call activity"):
        plan_move(office, unpaid.instance_id, "examination")
    case = at_check(office)
    with pytest.raises(InvalidInput, match="inside a call activity or sub-process"):
        plan_move(office, case.instance_id, "fee_wait")
    with pytest.raises(InvalidInput, match="is a gateway"):
        plan_move(office, case.instance_id, "check_gw")
    with pytest.raises(InvalidInput, match="not a step of this process"):
        plan_move(office, case.instance_id, "nowhere")
    with pytest.raises(Conflict, match="already at"):
        plan_move(office, case.instance_id, "check")
    suspend_instance(office, case.instance_id, "held", actor="manager")
    with pytest.raises(Conflict, match="suspended; resume it first"):
        plan_move(office, case.instance_id, "examination")
    with pytest.raises(Conflict, match="suspended; resume it first"):
        move_token(office, case.instance_id, "examination", "anyway", actor="manager")
    with pytest.raises(InvalidInput):
        move_token(office, case.instance_id, "examination", "  ", actor="manager")


def test_a_token_of_a_parallel_branch_is_not_moved_alone(ipflow):
    instance = start_instance(ipflow, "parallel_review", {}, business_key="P-1")
    with pytest.raises(Conflict, match=r"several steps at once \('Left check' \(left\), 'Right check' \(right\)\)"):
        plan_move(ipflow, instance.id, "summarise")


def test_process_data_is_edited_only_while_suspended_and_audited(office):
    case = at_check(office)
    text = json.dumps(
        {
            **show_instance(office, case.instance_id).data,
            "priority_note": "urgent",
            "right_type": "trademark",
            "reference": "PAY-corrected",
        }
    )
    with pytest.raises(Conflict, match="is running; suspend it first"):
        edit_process_data(office, case.instance_id, text, "fix the reference", actor="manager")

    suspend_instance(office, case.instance_id, "fix data", actor="manager")
    before = show_instance(office, case.instance_id).data
    change = edit_process_data(office, case.instance_id, text, "the bank corrected the payment reference", actor="manager")
    assert (
        change.after == {"priority_note": "urgent", "reference": "PAY-corrected"} and change.removed == ()
    )  # right_type unchanged
    assert change.before == {"reference": before["reference"]}
    data = show_instance(office, case.instance_id).data
    assert (data["priority_note"], data["reference"], data["case_id"]) == ("urgent", "PAY-corrected", before["case_id"])
    [(actor, row)] = audited(office, case.instance_id, "process_data_edited")
    assert (actor, row["reason"], row["before"], row["after"]) == (
        "manager",
        "the bank corrected the payment reference",
        change.before,
        change.after,
    )

    resume_instance(office, case.instance_id, "data fixed", actor="manager")
    case.complete("check", filing_date_met="yes")  # the edited data flows on
    assert show_instance(office, case.instance_id).data["priority_note"] == "urgent"


@pytest.mark.parametrize(
    ("text", "field_message"),
    [
        ("{not json", "Line 1, column 2: Expecting property name enclosed in double quotes."),
        ("[1, 2]", "Give an object in braces"),
        ("", "Give the data as a JSON object"),
        ('{"case_id": 999}', "'case_id' ties the process to its case"),
        ('{"9lives": 1}', "'9lives' is not a plain name"),
    ],
)
def test_bad_data_is_refused_with_a_message(office, text, field_message):
    case = at_check(office)
    suspend_instance(office, case.instance_id, "fix data", actor="manager")
    if text.startswith('{"9'):
        text = json.dumps({**show_instance(office, case.instance_id).data, "9lives": 1})
    with pytest.raises(InvalidInput) as refused:
        edit_process_data(office, case.instance_id, text, "fix", actor="manager")
    assert any(field_message in m for m in refused.value.fields["data"]), refused.value.fields
    assert audited(office, case.instance_id, "process_data_edited") == []


def test_incidents_are_retried_with_a_reason(ipflow, clock, gateway):
    gateway.failures_left = 3
    failing = start_instance(ipflow, "flaky_call", {"amount": 5}, business_key="I-1")
    for wait in (0, 60, 300):
        clock.advance(seconds=wait)
        run_due(ipflow)
    assert [j["status"] for j in show_instance(ipflow, failing.id).pending_jobs] == ["incident"]
    with pytest.raises(InvalidInput):
        retry_incidents(ipflow, failing.id, "", actor="manager")

    assert retry_incidents(ipflow, failing.id, "gateway is back", actor="manager") == 1
    [(actor, data)] = audited(ipflow, failing.id, "incident_retried")
    assert (actor, data["reason"], data["error"]) == (
        "manager",
        "gateway is back",
        "operator 'test_flaky' failed: ConnectionError: gateway unreachable",
    )
    run_due(ipflow)
    assert show_instance(ipflow, failing.id).status == "completed"
    with pytest.raises(Conflict, match="has no incident"):
        retry_incidents(ipflow, failing.id, "again", actor="manager")


def test_a_bulk_run_goes_on_past_refusals_and_says_why(ipflow):
    first = start_instance(ipflow, "deadline", {}, business_key="B-1")
    second = start_instance(ipflow, "deadline", {}, business_key="B-2")
    suspend_instance(ipflow, second.id, "already held", actor="manager")
    outcome = run_bulk(ipflow, "suspend", [first.id, second.id, 999999], "court order", actor="manager")
    assert outcome.done == ((first.id, "B-1"),)
    assert outcome.refused == (
        (second.id, "B-2", f"process instance {second.id} is already suspended; resume it or leave it"),
        (999999, None, "process instance 999999 does not exist"),
    )
    assert show_instance(ipflow, first.id).status == "suspended"
    with pytest.raises(InvalidInput, match="give a reason"):
        run_bulk(ipflow, "resume", [first.id], "", actor="manager")
    with pytest.raises(InvalidInput, match="unknown operation"):
        run_bulk(ipflow, "explode", [first.id], "why", actor="manager")
    with pytest.raises(InvalidInput, match="too many"):
        run_bulk(ipflow, "resume", list(range(1, 102)), "why", actor="manager")
    moved = run_bulk(ipflow, "move", [first.id], "skip the wait", actor="manager", to="record")
    assert moved.refused == ((first.id, "B-1", f"process instance {first.id} is suspended; resume it first"),)
