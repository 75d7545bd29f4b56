"""Reading and replacing the process data a workflow carries now (for a manager's correction).

"The data now" is what the step that changed last holds (what the instance page shows). A
correction goes into it and into every step of the top-level process that is ready, started or
waiting: a step copies its parent's data when it becomes ready, so that copy is what flows on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

_NOW = TaskState.READY | TaskState.STARTED | TaskState.WAITING


def current_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    task = workflow.last_task or workflow.task_tree
    return dict(task.data)


def replace_data(workflow: BpmnWorkflow, values: Mapping[str, Any], removed: Iterable[str]) -> None:
    removed = tuple(removed)
    tasks = [t for t in workflow.get_tasks(state=_NOW) if t.workflow is workflow]
    for task in [workflow.last_task or workflow.task_tree, *tasks]:
        task.data.update(values)
        for key in removed:
            task.data.pop(key, None)
