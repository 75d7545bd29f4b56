"""Running instances move from one deployed version to another: a dry run says which can and why the
others cannot, the bulk run moves each under its lock with its timers' due dates kept, every move is
audited, and a move can be reversed while nothing has happened in the case since."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.db.models import AuditEvent, DefinitionVersion, HumanTask, InstanceMigration, Job, JobKind, JobStatus, ProcessInstance
from engine.errors import Conflict, InvalidInput, NotFound
from engine.operators import demo, office_deadlines, office_design, office_fees, office_patent, office_register
from engine.runtime.operators import OperatorRegistry
from engine.services.instance_migration import migrate_instances, plan_migration, reverse_migration
from engine.services.instances import start_instance
from engine.services.jobs import run_due
from engine.services.messages import deliver_message
from engine.services.tasks import complete_task, list_tasks
from ipflow_testing import REPO, row_counts
from library_editing import OPPOSITION_P3M, copy_library, edit, office_root, redeploy
from scenario_support import Office, trademark_filing
from scenario_support import trademark_at_examination as at_examination
from scenario_support import trademark_in_opposition as in_opposition_period
from webui.cli import main

EXAMINATION_REFUSAL = "the task 'Examine absolute grounds' (examination) has started and was changed in version 2"


@pytest.fixture
def office_library(tmp_path):
    """The office's real library, copied so that the test may edit it."""
    return copy_library(tmp_path / "office")


@pytest.fixture
def office_ipflow(ipflow, office_library):
    """An Ipflow on the same database that runs the real library (deployed as version 1); a composition
    root of its own, because the letter templates are found once per root."""
    return office_root(ipflow, office_library, ipflow.operators)


@pytest.fixture
def quick_letters_ipflow(ipflow, office_library):
    """The same, but its letters are noted in the case without being laid out as PDFs: fifty cases
    would otherwise spend most of the test inside the PDF library. The process is the real one."""
    return office_root(ipflow, office_library, office_operators_without_pdfs())


def office_operators_without_pdfs() -> OperatorRegistry:
    letters = OperatorRegistry()

    @letters.operator("send_letter")
    def send_letter(ctx, case_id, template: str, deadline_id=None, status=None, reasons=None) -> dict:
        assert status is None, "this stand-in does not set a case status"
        return {"document_id": None, "template": template}

    merged = letters
    for module in (demo, office_register, office_deadlines, office_fees, office_patent, office_design):
        merged = merged.merged(module.registry)
    return merged


def shorten_the_opposition_period_and_relabel_examination(ipflow, root) -> None:
    edit(root / "bpmn" / "common" / "time_limits.dmn", OPPOSITION_P3M, OPPOSITION_P3M.replace('"P3M"', '"P2M"'))
    edit(root / "bpmn" / "trademark" / "trademark.bpmn", 'name="Examine absolute grounds"', 'name="Examine the absolute grounds"')
    assert redeploy(ipflow, "trademark") == 2


def pending_timers(ipflow) -> dict[int, tuple[int, str, object]]:
    """instance id -> (job id, element, due at) of every pending timer job."""
    with ipflow.db.reading() as session:
        jobs = session.scalars(select(Job).where(Job.kind == JobKind.TIMER, Job.status == JobStatus.PENDING))
        return {j.instance_id: (j.id, j.element_id, j.due_at) for j in jobs}


def version_of(ipflow, instance_id: int) -> int:
    with ipflow.db.reading() as session:
        return session.scalar(
            select(DefinitionVersion.version).join(ProcessInstance, ProcessInstance.definition_version_id == DefinitionVersion.id)
            .where(ProcessInstance.id == instance_id)
        )


def state_of(ipflow, instance_id: int) -> tuple[str, int]:
    with ipflow.db.reading() as session:
        instance = session.get(ProcessInstance, instance_id)
        return instance.state, instance.lock_version


def audits(ipflow, kind: str) -> list[tuple[int, str, dict]]:
    with ipflow.db.reading() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id))
        return [(e.instance_id, e.actor, e.data) for e in rows]


def test_fifty_cases_in_the_opposition_period_move_in_one_run_and_keep_their_due_dates(quick_letters_ipflow, office_library):
    ipflow = quick_letters_ipflow
    # one case at its examination before the others and one among them: a refusal never stops the batch
    examining = [at_examination(ipflow)]
    offices = [in_opposition_period(ipflow) for _ in range(25)]
    examining.append(at_examination(ipflow))
    offices += [in_opposition_period(ipflow) for _ in range(25)]
    waiting, examining = [o.instance_id for o in offices], [o.instance_id for o in examining]
    ipflow.clock.advance(timedelta(days=3))
    shorten_the_opposition_period_and_relabel_examination(ipflow, office_library)
    before = pending_timers(ipflow)
    assert set(before) == set(waiting) and {e for _, e, _ in before.values()} == {"opposition_wait"}
    first_state = state_of(ipflow, waiting[0])[0]

    plan = plan_migration(ipflow, "trademark", 1, 2)
    assert [m.instance_id for m in plan.movable] == waiting
    assert [r.instance_id for r in plan.refused] == examining
    assert all(r.reason.startswith(EXAMINATION_REFUSAL) for r in plan.refused), plan.refused[0].reason
    assert pending_timers(ipflow) == before and state_of(ipflow, waiting[0])[0] == first_state  # the dry run changed nothing

    progress = []
    report = migrate_instances(ipflow, "trademark", 1, 2, None, "analyst", on_progress=lambda done, total: progress.append((done, total)))

    assert [m.instance_id for m in report.moved] == waiting
    assert [(r.instance_id, r.reason) for r in report.refused] == [(r.instance_id, r.reason) for r in plan.refused]
    assert progress == [(n, 52) for n in range(1, 53)]
    assert pending_timers(ipflow) == before  # the same job rows, due at the same second as before the move
    assert {version_of(ipflow, i) for i in waiting} == {2} and {version_of(ipflow, i) for i in examining} == {1}
    moved = audits(ipflow, "instance_migrated")
    assert [i for i, _, _ in moved] == waiting
    assert moved[0][1:] == ("analyst", {"from_version": 1, "to_version": 2, "migration_id": report.moved[0].migration_id})
    with ipflow.db.reading() as session:
        record = session.get(InstanceMigration, report.moved[0].migration_id)
        old_id, new_id = (session.scalar(select(DefinitionVersion.id).filter_by(process_id="trademark", version=v)) for v in (1, 2))
        assert (record.instance_id, record.from_version_id, record.to_version_id) == (waiting[0], old_id, new_id)
        assert (record.state_before, record.migrated_by, record.reversed_at) == (first_state, "analyst", None)
        assert record.lock_version_after == state_of(ipflow, waiting[0])[1]

    # a moved case goes on in version 2; a refused one still has its task, under the old label
    offices[0].send("opposition_filed")
    assert offices[0].task_names() == ["Decide the opposition"]
    assert [t.name for t in list_tasks(ipflow) if t.instance_id == examining[0]] == ["Examine absolute grounds"]


def test_a_reversed_move_puts_the_case_back_and_a_case_that_moved_on_cannot_be_reversed(office_ipflow, office_library):
    ipflow = office_ipflow
    first, second = in_opposition_period(ipflow), in_opposition_period(ipflow)
    shorten_the_opposition_period_and_relabel_examination(ipflow, office_library)
    state_before, _ = state_of(ipflow, first.instance_id)
    timers_before = pending_timers(ipflow)
    report = migrate_instances(ipflow, "trademark", 1, 2, [first.instance_id, second.instance_id], "analyst")
    first_move, second_move = (m.migration_id for m in report.moved)

    back = reverse_migration(ipflow, first_move, "manager")
    assert (back.instance_id, back.version) == (first.instance_id, 1)
    assert version_of(ipflow, first.instance_id) == 1 and state_of(ipflow, first.instance_id)[0] == state_before
    assert pending_timers(ipflow) == timers_before
    assert audits(ipflow, "instance_migration_reversed") == [
        (first.instance_id, "manager", {"from_version": 2, "to_version": 1, "migration_id": first_move})
    ]
    with pytest.raises(Conflict, match="already reversed, by manager"):
        reverse_migration(ipflow, first_move, "manager")
    first.send("opposition_filed")  # the case runs on in version 1
    assert first.task_names() == ["Decide the opposition"]

    second.send("opposition_filed")
    with pytest.raises(Conflict, match=r"the case moved on after the migration \(instance \d+ changed 1 time\(s\) since"):
        reverse_migration(ipflow, second_move, "manager")
    assert version_of(ipflow, second.instance_id) == 2
    with pytest.raises(NotFound):
        reverse_migration(ipflow, 999, "manager")


def test_a_timer_inside_a_called_process_keeps_its_due_date_and_the_case_goes_on(office_ipflow, office_library):
    ipflow = office_ipflow
    unpaid = Office(ipflow).file("trademark", trademark_filing())
    before = pending_timers(ipflow)
    assert before[unpaid.instance_id][1] == "fee_wait"  # the payment time limit, inside collect_fee
    ipflow.clock.advance(timedelta(days=5))
    edit(office_library / "bpmn" / "common" / "collect_fee.bpmn", 'name="Await payment"', 'name="Wait for the payment"')
    assert redeploy(ipflow, "trademark") == 2

    report = migrate_instances(ipflow, "trademark", 1, 2, [unpaid.instance_id], "analyst")

    assert [m.instance_id for m in report.moved] == [unpaid.instance_id]
    assert pending_timers(ipflow) == before
    unpaid.pay()
    assert unpaid.task_names() == ["Check the filing-date requirements"]


def test_a_waiting_duration_timer_keeps_its_due_moment_and_fires_then(ipflow, library):
    old = start_instance(ipflow, "deadline", {}, business_key="D-1")
    [(job_id, _, due)] = pending_timers(ipflow).values()
    ipflow.clock.advance(timedelta(days=10))  # counted again now, the timer would fall due ten days later
    edit(library / "bpmn" / "deadline.bpmn", '"P2M"', '"P3M"')
    assert redeploy(ipflow, "deadline") == 2

    report = migrate_instances(ipflow, "deadline", 1, 2, [old.id], "analyst")

    assert [m.instance_id for m in report.moved] == [old.id]
    assert pending_timers(ipflow) == {old.id: (job_id, "wait", due)}
    ipflow.clock.set(due - timedelta(minutes=1))
    assert run_due(ipflow).ran == []
    ipflow.clock.set(due + timedelta(seconds=1))
    assert len(run_due(ipflow).ran) == 1
    with ipflow.db.reading() as session:
        assert session.get(ProcessInstance, old.id).status == "completed"
    new = start_instance(ipflow, "deadline", {}, business_key="D-2")  # new cases count the new three months
    assert pending_timers(ipflow)[new.id][2] - ipflow.clock.now() >= timedelta(days=89)


def test_a_case_at_a_removed_task_is_refused_untouched_and_a_case_before_it_moves(ipflow, library):
    ahead = start_instance(ipflow, "deadline", {}, business_key="R-1")
    at_task = start_instance(ipflow, "deadline", {}, business_key="R-2")
    deliver_message(ipflow, "reply_received", {"business_key": "R-2"}, {}, actor="test")
    path = library / "bpmn" / "deadline.bpmn"
    text = path.read_text()
    start, end = text.index('<bpmn:userTask id="record"'), text.index("</bpmn:userTask>") + len("</bpmn:userTask>")
    path.write_text(text[:start] + text[end:])
    edit(path, 'targetRef="record" />', 'targetRef="answered" />')
    edit(path, '<bpmn:sequenceFlow id="f6" sourceRef="record" targetRef="answered" />', "")
    edit(path, "<bpmn:incoming>f6</bpmn:incoming>", "<bpmn:incoming>f4</bpmn:incoming>")
    assert redeploy(ipflow, "deadline") == 2
    untouched = state_of(ipflow, at_task.id)
    counts = row_counts(ipflow)

    plan = plan_migration(ipflow, "deadline", 1, 2, [ahead.id, at_task.id])
    assert plan.movable == ((ahead.id, "R-1"),)
    assert plan.refused == ((at_task.id, "R-2", "the case is at 'Record reply' (record), which version 2 removes; "
                                                  "move the case once it is past that step"),)
    assert row_counts(ipflow) == counts

    report = migrate_instances(ipflow, "deadline", 1, 2, [ahead.id, at_task.id], "analyst")
    assert report.moved[0][:2] == (ahead.id, "R-1") and report.refused == plan.refused
    assert state_of(ipflow, at_task.id) == untouched and version_of(ipflow, at_task.id) == 1
    [task] = [t for t in list_tasks(ipflow) if t.instance_id == at_task.id]
    complete_task(ipflow, task.id, "clerk", {"note": "got it"})  # the refused case runs on in version 1
    deliver_message(ipflow, "reply_received", {"business_key": "R-1"}, {}, actor="test")
    with ipflow.db.reading() as session:  # version 2 has no task to record the reply: the moved case ends
        assert session.get(ProcessInstance, ahead.id).status == "completed"
        assert session.scalar(select(HumanTask).where(HumanTask.instance_id == ahead.id)) is None


def test_a_case_that_went_through_a_removed_task_is_refused(ipflow, library):
    case = start_instance(ipflow, "parallel_review", {}, business_key="P-1")
    [left] = [t for t in list_tasks(ipflow) if t.instance_id == case.id and t.element_id == "left"]
    complete_task(ipflow, left.id, "clerk", {"note": "fine"})
    path = library / "bpmn" / "parallel.bpmn"
    text = path.read_text()
    start = text.index('<bpmn:userTask id="left"')
    end = text.index("</bpmn:userTask>", start) + len("</bpmn:userTask>")
    path.write_text(text[:start] + text[end:])
    edit(path, '<bpmn:lane id="lane_clerk" name="clerk"><bpmn:flowNodeRef>left</bpmn:flowNodeRef></bpmn:lane>', "")
    edit(path, '<bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="left" />', '<bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="join" />')
    edit(path, '<bpmn:sequenceFlow id="f4" sourceRef="left" targetRef="join" />', "")
    edit(path, "<bpmn:incoming>f4</bpmn:incoming>", "<bpmn:incoming>f2</bpmn:incoming>")
    assert redeploy(ipflow, "parallel_review") == 2

    [refused] = plan_migration(ipflow, "parallel_review", 1, 2).refused
    assert refused.reason.startswith("the case went through 'Left check' (left), which version 2 removes")


def test_a_case_at_a_task_whose_form_changed_is_refused(ipflow, library):
    case = start_instance(ipflow, "parallel_review", {}, business_key="F-1")
    edit(library / "forms" / "test" / "note.form.json", '"maxLength": 50', '"maxLength": 5')
    assert redeploy(ipflow, "parallel_review") == 2

    [refused] = plan_migration(ipflow, "parallel_review", 1, 2).refused

    assert refused.instance_id == case.id
    assert refused.reason.split("; move the case once that task is done; ") == [
        "the task 'Left check' (left) has started and was changed in version 2 (its form)",
        "the task 'Right check' (right) has started and was changed in version 2 (its form); move the case once that task is done",
    ]


def test_instances_that_cannot_be_tried_are_named_and_versions_must_differ(ipflow, library):
    running = start_instance(ipflow, "deadline", {}, business_key="N-1")
    other = start_instance(ipflow, "parallel_review", {}, business_key="N-2")
    done = start_instance(ipflow, "deadline", {}, business_key="N-3")
    deliver_message(ipflow, "reply_received", {"business_key": "N-3"}, {}, actor="test")
    [task] = [t for t in list_tasks(ipflow) if t.instance_id == done.id]
    complete_task(ipflow, task.id, "clerk", {"note": "ok"})
    edit(library / "bpmn" / "deadline.bpmn", 'name="Two months pass"', 'name="The time limit runs out"')
    assert redeploy(ipflow, "deadline") == 2
    moved_on = start_instance(ipflow, "deadline", {}, business_key="N-4")  # already on version 2

    plan = plan_migration(ipflow, "deadline", 1, 2, [running.id, other.id, done.id, moved_on.id, 999])

    assert plan.movable == ((running.id, "N-1"),)
    assert plan.refused == (
        (other.id, "N-2", f"instance {other.id} runs process 'parallel_review', not 'deadline'"),
        (done.id, "N-3", f"instance {done.id} has completed; there is nothing to move"),
        (moved_on.id, "N-4", f"instance {moved_on.id} is on version 2, not version 1"),
        (999, None, "instance 999 does not exist"),
    )
    assert plan_migration(ipflow, "deadline", 1, 2).movable == ((running.id, "N-1"),)  # all: running ones on version 1
    with pytest.raises(InvalidInput, match="both versions are the same"):
        plan_migration(ipflow, "deadline", 2, 2)
    with pytest.raises(NotFound, match="has no version 3"):
        migrate_instances(ipflow, "deadline", 1, 3, None, "analyst")


def test_the_cli_does_a_dry_run_then_moves_the_instances_it_names(ipflow, library, settings):
    first = start_instance(ipflow, "deadline", {}, business_key="C-1")
    second = start_instance(ipflow, "deadline", {}, business_key="C-2")
    edit(library / "bpmn" / "deadline.bpmn", 'name="Two months pass"', 'name="The time limit runs out"')
    assert redeploy(ipflow, "deadline") == 2
    env = {"IPFLOW_DATABASE_URL": settings.database_url, "IPFLOW_INSTANCE_PATH": str(settings.instance_path)}

    def ipflow_cli(*args: str):
        return CliRunner().invoke(main, ["--config", str(REPO / "config.yaml"), "migrate", "deadline", "1", "2", *args], env=env)

    dry = ipflow_cli("--all", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output)["movable"] == [{"instance_id": first.id, "business_key": "C-1"}, {"instance_id": second.id, "business_key": "C-2"}]
    assert version_of(ipflow, first.id) == 1

    done = ipflow_cli("--instances", str(first.id), "--as", "analyst")
    assert done.exit_code == 0, done.output
    assert f"moved {first.id} C-1 (migration " in done.output and "moved 1 instance(s) from v1 to v2; 0 refused" in done.output
    assert (version_of(ipflow, first.id), version_of(ipflow, second.id)) == (2, 1)
    assert audits(ipflow, "instance_migrated")[0][1] == "analyst"

    neither = ipflow_cli("--dry-run")
    assert neither.exit_code == 2 and "give either --instances 1,2,3 or --all" in neither.output
    bad = ipflow_cli("--instances", "1,x")
    assert bad.exit_code == 2 and "instance ids separated by commas" in bad.output
