"""A case with a long history steps over a task tree of bounded size, and behaves as if nothing was dropped."""

from __future__ import annotations

import re
from pathlib import Path

from SpiffWorkflow.util.task import TaskState

from engine.clock import ManualClock
from engine.runtime.operators import OperatorRegistry
from engine.runtime.parsing import SourceFile, parse_sources
from engine.runtime.progress import element_progress
from engine.runtime.pruning import PRUNE_AT, prune_finished
from engine.runtime.runner import IpflowScriptEngine, complete_human_task, new_workflow, run_to_wait_state
from engine.runtime.sandbox import Sandbox
from engine.runtime.state import dump_state, load_state
from engine.runtime.versions import VersionMove

DATA = Path(__file__).parent / "data" / "runner"
ROUNDS = 60  # three user tasks and about nine tasks in all per round


def _specs():
    parsed = parse_sources([SourceFile("review_rounds.bpmn", (DATA / "review_rounds.bpmn").read_bytes())])
    return parsed.processes["review_rounds"].specs


def _engine():
    return IpflowScriptEngine(Sandbox(), ManualClock(), OperatorRegistry(), lambda task: None)


def _ready(workflow, element: str):
    return next(t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == element)


def _complete(workflow, element: str, data: dict, specs, prune: bool):
    """One step as the service layer takes it: complete, run on, (prune,) store, load."""
    complete_human_task(workflow, str(_ready(workflow, element).id), data)
    run_to_wait_state(workflow)
    if prune:
        prune_finished(workflow)
    restored = load_state(dump_state(workflow), specs)
    restored.script_engine = workflow.script_engine
    return restored


def _run(prune: bool, rounds: int = ROUNDS):
    specs = _specs()
    workflow = new_workflow(specs, _engine(), {"n": 0, "stop": False})
    run_to_wait_state(workflow)
    largest = 0
    for n in range(rounds):
        last = n == rounds - 1
        workflow = _complete(workflow, "review", {"stop": last}, specs, prune)
        workflow = _complete(workflow, "check_b", {}, specs, prune)  # one parallel branch waits at the merge
        workflow = _complete(workflow, "check_a", {}, specs, prune)
        largest = max(largest, len(workflow.tasks))
    workflow = _complete(workflow, "finish", {}, specs, prune)
    return workflow, largest


def _rounds_pruned(specs, rounds: int):
    """A workflow `rounds` rounds into its loop, pruned after every step, waiting at the next review."""
    workflow = new_workflow(specs, _engine(), {"n": 0, "stop": False})
    run_to_wait_state(workflow)
    for _ in range(rounds):
        for element in ("review", "check_a", "check_b"):
            workflow = _complete(workflow, element, {}, specs, prune=True)
    return workflow


def test_a_long_history_is_pruned_to_a_bounded_tree_and_runs_to_the_same_end():
    pruned, largest = _run(prune=True)
    whole, whole_largest = _run(prune=False)

    assert largest <= PRUNE_AT + 40
    assert whole_largest > 3 * largest  # without pruning the tree holds every round
    assert pruned.completed and whole.completed
    assert pruned.last_task is None or pruned.last_task.data["n"] == ROUNDS
    assert pruned.data == whole.data
    end = next(t for t in pruned.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id == "e")
    assert end.data["n"] == ROUNDS and end.data["stop"] is True


def test_the_diagram_still_shows_the_elements_of_the_dropped_history():
    specs = _specs()
    workflow = _rounds_pruned(specs, 40)

    progress = element_progress(workflow)
    assert "s" in workflow.pruned_elements  # the start event lies in the dropped part
    assert {"s", "round", "review", "count", "split", "check_a", "check_b", "merge", "more"} <= set(progress.completed)
    assert progress.current == ("review",)
    assert "finish" not in progress.completed


def test_a_short_history_is_left_whole():
    specs = _specs()
    workflow = new_workflow(specs, _engine(), {"n": 0, "stop": False})
    run_to_wait_state(workflow)
    workflow = _complete(workflow, "review", {}, specs, prune=False)
    size = len(workflow.tasks)

    assert prune_finished(workflow) == 0
    assert len(workflow.tasks) == size and not workflow.pruned_elements


def test_a_version_that_removes_an_element_of_the_dropped_history_cannot_take_the_case():
    specs = _specs()
    workflow = _rounds_pruned(specs, 40)
    xml = (DATA / "review_rounds.bpmn").read_text()
    xml = xml.replace('<bpmn:outgoing>f3</bpmn:outgoing></bpmn:userTask>', '<bpmn:outgoing>f4</bpmn:outgoing></bpmn:userTask>')
    xml = re.sub(r'<bpmn:scriptTask id="count">.*?</bpmn:scriptTask>|<bpmn:sequenceFlow id="f3"[^>]*/>', "", xml)
    xml = xml.replace('sourceRef="count"', 'sourceRef="review"')  # version 2 counts no rounds
    without_count = parse_sources([SourceFile("review_rounds.bpmn", xml.encode())]).processes["review_rounds"].specs

    prune_finished(workflow, prune_at=0)  # everything above the round's last five steps goes

    assert "count" in workflow.pruned_elements
    assert not [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id == "count"]
    assert VersionMove(specs, without_count, "version 2").blockers(workflow) == (
        "the case went through 'count' (count), which version 2 removes, "
        "and a case cannot keep the history of an element its version lacks",
    )
    assert VersionMove(specs, _specs(), "version 2").blockers(workflow) == ()
