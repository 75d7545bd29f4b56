"""Two processes completing tasks of one instance at the same moment: nothing is lost."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import select, update

from engine.db.models import DefinitionVersion, ProcessInstance
from engine.errors import ConcurrentUpdate
from engine.runtime.runner import complete_human_task
from engine.runtime.state import load_state
from engine.services.instances import show_instance, start_instance
from engine.services.library import specs_for
from engine.services.stepping import Step, advance, script_engine
from engine.services.tasks import list_tasks
from ipflow_testing import complete_in_child


def test_parallel_branches_completed_by_two_processes_at_once(ipflow, library, settings):
    instance = start_instance(ipflow, "parallel_review", {}, business_key="C-1")
    tasks = {t.name: t for t in list_tasks(ipflow)}
    env = {"IPFLOW_DATABASE_URL": settings.database_url, "IPFLOW_INSTANCE_PATH": str(settings.instance_path)}
    mp = multiprocessing.get_context("spawn")
    barrier, results = mp.Barrier(2), mp.Queue()
    children = [
        mp.Process(target=complete_in_child, args=(env, str(library), tasks["Left check"].id, "clerk", {"note": "left"}, barrier, results)),
        mp.Process(target=complete_in_child, args=(env, str(library), tasks["Right check"].id, "examiner", {"note": "right"}, barrier, results)),
    ]
    for child in children:
        child.start()
    outcomes = dict(results.get(timeout=120) for _ in children)
    for child in children:
        child.join(timeout=60)
        assert child.exitcode == 0
    assert set(outcomes.values()) == {"ok"}, outcomes

    view = show_instance(ipflow, instance.id)
    assert view.status == "completed"
    completed = [h for h in view.history if h.kind == "task_completed"]
    assert sorted(h.data["note"] for h in completed) == ["left", "right"]
    assert [h.element_id for h in view.history if h.kind == "element_completed"].count("join") == 1


def test_a_save_over_a_newer_state_is_reported_not_silent(ipflow):
    """The version column is the backstop behind the lock: a writer holding an older copy of the
    instance is refused, whatever path it took to get there."""
    instance = start_instance(ipflow, "parallel_review", {}, business_key="C-2")
    left = next(t for t in list_tasks(ipflow) if t.name == "Left check")
    with pytest.raises(ConcurrentUpdate, match="changed by someone else"):
        with ipflow.db.transaction() as session:
            stale = session.scalar(select(ProcessInstance).where(ProcessInstance.id == instance.id))
            version = session.get(DefinitionVersion, stale.definition_version_id)
            workflow = load_state(stale.state, specs_for(ipflow, version))
            workflow.script_engine = script_engine(ipflow, session, stale)
            # someone else's committed step, as the database sees it: the version moved on
            session.execute(update(ProcessInstance).where(ProcessInstance.id == instance.id)
                            .values(lock_version=ProcessInstance.lock_version + 1)
                            .execution_options(synchronize_session=False))
            complete_human_task(workflow, left.id, {"note": "late"})
            advance(ipflow, Step(session, stale, workflow, "late writer"))
    view = show_instance(ipflow, instance.id)
    assert sorted(t.name for t in view.open_tasks) == ["Left check", "Right check"]
