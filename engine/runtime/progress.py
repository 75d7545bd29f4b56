"""Where a workflow has been and where it is now, by BPMN element, for the diagram of a case.

Only the top-level process counts: while a call activity runs, the call activity itself is the
current element (its inner elements are not in the caller's diagram).
"""

from __future__ import annotations

from dataclasses import dataclass

from SpiffWorkflow.util.task import TaskState

_NOW = TaskState.READY | TaskState.STARTED | TaskState.WAITING


@dataclass(frozen=True)
class ElementProgress:
    completed: tuple[str, ...]  # elements completed at least once
    current: tuple[str, ...]  # elements ready, started or waiting (a user task, a timer, a call activity)


def element_progress(workflow) -> ElementProgress:
    completed: set[str] = set(getattr(workflow, "pruned_elements", ()))  # history the tree no longer holds
    current: set[str] = set()
    for task in workflow.get_tasks(state=TaskState.COMPLETED | _NOW):
        element = getattr(task.task_spec, "bpmn_id", None)
        if task.workflow is not workflow or not element:
            continue
        (completed if task.state == TaskState.COMPLETED else current).add(element)
    return ElementProgress(tuple(sorted(completed)), tuple(sorted(current)))
