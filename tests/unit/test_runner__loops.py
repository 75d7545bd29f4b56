"""A loop deepens the task tree on every round; the engine must still see its ready tasks."""

from __future__ import annotations

from pathlib import Path

from engine.clock import ManualClock
from engine.runtime.operators import OperatorRegistry
from engine.runtime.parsing import SourceFile, parse_sources
from engine.runtime.runner import IpflowScriptEngine, new_workflow, run_to_wait_state
from engine.runtime.sandbox import Sandbox
from engine.runtime.state import dump_state, load_state

DATA = Path(__file__).parent / "data" / "runner"


def test_a_loop_of_more_rounds_than_the_libraries_depth_limit_runs_to_the_end():
    parsed = parse_sources([SourceFile("counting_loop.bpmn", (DATA / "counting_loop.bpmn").read_bytes())])
    specs = parsed.processes["counting_loop"].specs
    engine = IpflowScriptEngine(Sandbox(), ManualClock(), OperatorRegistry(), lambda task: None)
    workflow = new_workflow(specs, engine, {"n": 0, "rounds": 700})  # 1,400+ levels deep
    run_to_wait_state(workflow)
    assert workflow.completed
    assert workflow.last_task.data["n"] == 700

    restored = load_state(dump_state(workflow), specs)  # and the restored workflow is ours too
    assert restored.completed and len(restored.get_tasks()) == len(workflow.get_tasks())
