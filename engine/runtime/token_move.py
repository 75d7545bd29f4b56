"""Moving the token of a workflow from the step it waits at to another step of its process.

SpiffWorkflow 3.2 offers `BpmnWorkflow.reset_from_task_id`, which only goes back to a step the
workflow completed on the way to where it is, and replaces the process data with what that step
had. An office moves forward as often as back, and keeps the data as it is, so the move here is
the same tree operation as the library's own reset (`Task.reset_branch`: drop the branch, add the
new task as FUTURE, predict, update) applied to the waiting step's place in the tree:

    parent (completed) ── waiting step (+ its boundary events)    becomes
    parent (completed) ── target step (FUTURE -> READY, data of the waiting step)

and the caller then runs to the next wait state. Only the top-level process moves: a token inside
a call activity or sub-process, a target inside one, or several tokens at once (parallel
branches) are refused with a sentence saying why.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent, ThrowingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent, EventBasedGateway
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.errors import Conflict, InvalidInput

_NOW = TaskState.READY | TaskState.STARTED | TaskState.WAITING
_GATEWAY_TYPES = ("ExclusiveGateway", "InclusiveGateway", "ParallelGateway")


@dataclass(frozen=True)
class Step:
    """A step of the process a token may be moved to (or is at)."""

    element_id: str
    name: str
    kind: str  # "user task", "service task", "timer or message wait", "call activity", ...
    lane: str | None = None


@dataclass(frozen=True)
class TokenMove:
    """What a move would do to the workflow: leave `source`, start at `target`."""

    source: Step
    target: Step


def movable_steps(workflow: BpmnWorkflow) -> tuple[Step, ...]:
    """The steps of the top-level process a token may be moved to, by name."""
    steps = [_step(spec) for spec in workflow.spec.task_specs.values() if _refusal_as_target(spec) is None]
    return tuple(sorted(steps, key=lambda s: (s.name.lower(), s.element_id)))


def plan_token_move(workflow: BpmnWorkflow, target_id: str) -> TokenMove:
    """Check that the workflow's one token can move to `target_id`; Conflict/InvalidInput say why not."""
    token = _token(workflow)
    target = _target_spec(workflow, target_id)
    if target.bpmn_id == token.task_spec.bpmn_id:
        raise Conflict(f"the case is already at {_label(target)}; choose another step")
    return TokenMove(_step(token.task_spec), _step(target))


def move_token(workflow: BpmnWorkflow, target_id: str) -> TokenMove:
    """Move the one token to `target_id` (READY there, with the data it carries now)."""
    move = plan_token_move(workflow, target_id)
    token = _token(workflow)
    place = token.parent if isinstance(token.parent.task_spec, BoundaryEventSplit) else token
    parent = place.parent
    data = deepcopy(token.data)
    workflow._remove_task(place.id)  # the library's own reset removes a branch this way
    entry = _entry_spec(workflow, target_id)
    task = parent._add_child(entry, TaskState.FUTURE)
    task.data = data
    task.task_spec._predict(task, mask=TaskState.PREDICTED_MASK | TaskState.FUTURE)
    task.task_spec._update(task)
    workflow.last_task = parent
    return move


def _token(workflow: BpmnWorkflow):
    """The one task of the top-level process that is ready, started or waiting."""
    tokens = [
        t for t in workflow.get_tasks(state=_NOW)
        if t.workflow is workflow and getattr(t.task_spec, "bpmn_id", None) and not isinstance(t.task_spec, BoundaryEvent)
    ]  # fmt: skip
    if not tokens:
        raise Conflict("the case waits at no step of its process (it has finished or not started); there is no token to move")
    if len(tokens) > 1:
        names = ", ".join(sorted(_label(t.task_spec) for t in tokens))
        raise Conflict(f"the case is at several steps at once ({names}); a token of a parallel branch cannot be moved on its own")
    token = tokens[0]
    if isinstance(token.task_spec, SubWorkflowTask):
        raise Conflict(
            f"the case is inside {_label(token.task_spec)}; a token cannot be moved out of a call activity or sub-process "
            "cleanly: wait until it returns, or terminate the case"
        )
    return token


def _target_spec(workflow: BpmnWorkflow, target_id: str):
    target_id = (target_id or "").strip()
    if not target_id:
        raise InvalidInput("choose the step to move to", {"to": ["Choose a step of the process."]})
    spec = next((s for s in workflow.spec.task_specs.values() if getattr(s, "bpmn_id", None) == target_id), None)
    if spec is None:
        inner = any(
            getattr(s, "bpmn_id", None) == target_id
            for sub in workflow.subprocess_specs.values()
            for s in sub.task_specs.values()
        )
        where = (
            "inside a call activity or sub-process; move to the call activity itself to run it again"
            if inner
            else "not a step of this process"
        )
        raise InvalidInput(f"{target_id!r} is {where}", {"to": [f"{target_id!r} is {where}."]})
    refusal = _refusal_as_target(spec)
    if refusal:
        raise InvalidInput(f"{_label(spec)} {refusal}", {"to": [f"{_label(spec)} {refusal}."]})
    return spec


def _refusal_as_target(spec) -> str | None:
    if not getattr(spec, "bpmn_id", None):
        return "is the engine's bookkeeping, not a step"
    if isinstance(spec, StartEvent):
        return "is a start event; a case starts only once"
    if isinstance(spec, EndEvent):
        return "is an end event; to end a case, terminate it"
    if isinstance(spec, BoundaryEvent):
        return "is a boundary event; it fires only while its activity runs: move to the activity"
    if type(spec).__name__ in _GATEWAY_TYPES:
        return "is a gateway; move to the step it leads to"
    return None


def _entry_spec(workflow: BpmnWorkflow, target_id: str):
    """The spec a sequence flow enters `target_id` by: its boundary-event split when it has boundary events."""
    specs = workflow.spec.task_specs
    return specs.get(f"{target_id}.BoundaryEventSplit") or next(
        s for s in specs.values() if getattr(s, "bpmn_id", None) == target_id
    )


def _step(spec) -> Step:
    return Step(spec.bpmn_id, getattr(spec, "bpmn_name", None) or spec.bpmn_id, _kind(spec), getattr(spec, "lane", None))


def _kind(spec) -> str:
    if isinstance(spec, SubWorkflowTask):
        return "call activity" if type(spec).__name__ == "CallActivity" else "sub-process"
    if isinstance(spec, EventBasedGateway):
        return "wait for the first of several events"
    if isinstance(spec, CatchingEvent):
        return "wait for a timer or message"
    if isinstance(spec, ThrowingEvent):
        return "event"
    if getattr(spec, "manual", False):
        return "user task"
    if type(spec).__name__.endswith("ServiceTask"):
        return "service task"
    if "Script" in type(spec).__name__:
        return "script"
    return "task"


def _label(spec) -> str:
    name = getattr(spec, "bpmn_name", None)
    return f"'{name}' ({spec.bpmn_id})" if name else spec.bpmn_id


__all__ = ["Step", "TokenMove", "move_token", "movable_steps", "plan_token_move"]
