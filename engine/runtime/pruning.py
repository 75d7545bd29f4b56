"""Dropping the finished part of a workflow's task tree, so a step costs the same on a case with a
long history as on a new one.

SpiffWorkflow keeps every task it ever made: a loop (a reply, an examination round) adds a branch
on every round, and every step walks the whole tree, serializes it and stores it. Nothing in the
engine reads a task that is finished and lies above every unfinished one: joins, boundary events
and gateways look only at the branch still running. So once the tree holds enough such tasks we
re-root it a few levels above the lowest common ancestor of the unfinished tasks and forget the
rest, with any call activity's sub-workflow hanging off it. Their history stays in the audit rows.

What the forgotten tasks still tell is kept on the workflow as `pruned_elements`: the BPMN
elements of the top-level process completed at least once, for the case's diagram and for the
version move's check that a case never went through an element the new version removes.
"""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState

PRUNE_AT = 150  # finished tasks outside the kept part before a prune is worth its walk
KEEP_ANCESTORS = 5  # completed levels kept above the running part (a token move needs the parent)


def prune_finished(workflow, prune_at: int = PRUNE_AT, keep: int = KEEP_ANCESTORS) -> int:
    """Cut the top-level task tree above its running part; returns how many tasks were dropped."""
    if len(workflow.tasks) <= prune_at:
        return 0
    unfinished = [t for t in workflow.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    if not unfinished:
        return 0  # a finished workflow takes no more steps
    path = _ancestry(unfinished[0])
    deepest = len(path) - 1
    positions = {task.id: n for n, task in enumerate(path)}
    for task in unfinished[1:]:
        while task.id not in positions:
            task = task.parent
        deepest = min(deepest, positions[task.id])
    root = path[max(0, deepest - keep)]
    kept = _subtree_ids(root)
    if len(workflow.tasks) - len(kept) < prune_at // 2:
        return 0
    dropped = [t for t in workflow.tasks.values() if t.id not in kept]
    _forget(workflow, root, dropped)
    return len(dropped)


def _forget(workflow, root, dropped) -> None:
    pruned = set(getattr(workflow, "pruned_elements", ()))
    for task in dropped:
        if task.state == TaskState.COMPLETED and getattr(task.task_spec, "bpmn_id", None):
            pruned.add(task.task_spec.bpmn_id)
        if task.id in workflow.subprocesses:
            workflow.delete_subprocess(task)
    for task in dropped:
        del workflow.tasks[task.id]
    root._parent = None
    workflow.task_tree = root
    if workflow.last_task is not None and workflow.last_task.id not in workflow.tasks:
        workflow.last_task = None
    workflow.pruned_elements = pruned


def _ancestry(task) -> list:
    """The task's ancestors from the root down, the task itself last."""
    path = []
    while task is not None:
        path.append(task)
        task = task.parent
    path.reverse()
    return path


def _subtree_ids(root) -> set:
    ids, stack = set(), [root]
    while stack:
        task = stack.pop()
        ids.add(task.id)
        stack.extend(task.children)
    return ids


__all__ = ["KEEP_ANCESTORS", "PRUNE_AT", "prune_finished"]
