"""The instance monitor's list and heatmap on the real trademark process: each filter narrows the
list in SQL (process, version, status, the step an instance waits at, incident, age, case number),
and the heatmap's counts per step equal a count made from the workflows themselves."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.db.models import DefinitionVersion, Job, JobStatus, ProcessInstance
from engine.errors import InvalidInput
from engine.runtime.progress import element_progress
from engine.runtime.state import load_state
from engine.services.instance_operations import suspend_instance
from engine.services.library import specs_for
from engine.services.monitor import heatmap, monitor_page
from engine.services.monitor_query import MonitorQuery
from library_editing import deployed_office
from scenario_support import Office, trademark_at_examination, trademark_filing


@pytest.fixture
def office(settings, clock, operators):
    with deployed_office(settings, clock, operators) as ctx:
        yield ctx


def ids(ctx, **filters) -> list[int]:
    return [row.id for row in monitor_page(ctx, MonitorQuery(**filters)).rows]


@pytest.fixture
def cases(office, clock):
    """Five trademark cases: two in fee collection (one filed ten days earlier), one at the check,
    one at examination (suspended), one at examination with an incident on its fee timer."""
    old = Office(office).file("trademark", trademark_filing())
    clock.advance(timedelta(days=10))
    unpaid = Office(office).file("trademark", trademark_filing())
    checking = Office(office).file("trademark", trademark_filing())
    checking.pay()
    held = trademark_at_examination(office)
    suspend_instance(office, held.instance_id, "court order", actor="manager")
    failing = trademark_at_examination(office)
    with office.db.transaction() as session:  # what the worker leaves after a job's last failed try
        session.add(Job(kind="service", status=JobStatus.INCIDENT, instance_id=failing.instance_id, task_id="t-1",
                        element_id="examination", operator="send_letter", due_at=clock.now(), attempts=3, max_attempts=3,
                        last_error="mail server unreachable", created_at=clock.now()))  # fmt: skip
    return {"old": old, "unpaid": unpaid, "checking": checking, "held": held, "failing": failing}


def test_each_filter_narrows_the_list(office, clock, cases):
    c = {name: o.instance_id for name, o in cases.items()}
    assert ids(office) == sorted(c.values(), reverse=True)  # newest first, live ones by default
    assert ids(office, process="trademark", version=1) == ids(office)
    assert ids(office, process="patent") == [] and ids(office, process="trademark", version=2) == []
    assert ids(office, status="suspended") == [c["held"]]
    assert ids(office, status="completed") == []
    assert ids(office, activity="check") == [c["checking"]]
    assert ids(office, activity="examination") == [c["failing"], c["held"]]
    assert ids(office, incident=True) == [c["failing"]]
    assert ids(office, case=cases["held"].number) == [c["held"]]
    today = (clock.now() - timedelta(days=1)).date()
    assert ids(office, started_before=today) == [c["old"]]
    assert ids(office, started_from=today) == sorted(set(c.values()) - {c["old"]}, reverse=True)

    page = monitor_page(office, MonitorQuery(activity="examination"))
    row = page.rows[0]
    assert (row.business_key, row.status, row.incidents, row.version) == (cases["failing"].number, "running", 1, 1)
    assert ("examination", "Examine absolute grounds") in row.current and row.case_id == cases["failing"].case_id
    assert (page.total, page.capped, page.pages) == (2, False, 1)


def test_pages_and_capped_counts(office, cases):
    first = monitor_page(office, MonitorQuery(per_page=2))
    assert (len(first.rows), first.total, first.pages) == (2, 5, 3)
    last = monitor_page(office, MonitorQuery(per_page=2, page=3))
    assert [r.id for r in last.rows] == [cases["old"].instance_id]


def test_bad_filters_are_named():
    with pytest.raises(InvalidInput) as refused:
        MonitorQuery.from_args({"status": "sleeping", "version": "x", "started_from": "2026-13-01", "page": "0"})
    assert set(refused.value.fields) == {"status", "version", "started_from", "page"}
    query = MonitorQuery.from_args({"process": "trademark", "version": "1", "incident": "1", "status": ""})
    assert (query.process, query.version, query.incident, query.status) == ("trademark", 1, True, "")
    assert MonitorQuery.from_args(query.args()) == query


def test_heatmap_counts_equal_a_count_from_the_workflows(office, cases):
    found = heatmap(office, "trademark")
    assert found.version == 1 and 'id="trademark"' in found.xml
    direct: Counter = Counter()
    with office.db.reading() as session:
        version = session.scalar(select(DefinitionVersion).where(DefinitionVersion.process_id == "trademark"))
        for instance in session.scalars(select(ProcessInstance).where(ProcessInstance.definition_version_id == version.id)):
            direct.update(waiting_steps(load_state(instance.state, specs_for(office, version))))
    assert found.counts == dict(direct)
    assert (found.counts["fee_wait"], found.counts["check"], found.counts["examination"]) == (2, 1, 2)


def waiting_steps(workflow) -> set[str]:
    """Where a workflow waits, read from the workflow: its top-level steps, and inside a running
    call activity the called process's steps (the call activity itself has no row of its own)."""
    steps = set(element_progress(workflow).current) - {"collect_filing_fee"}
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.STARTED | TaskState.WAITING):
        if task.workflow is not workflow and task.task_spec.bpmn_id and task.workflow.parent_task_id is not None:
            steps.add(task.task_spec.bpmn_id)
    return steps
