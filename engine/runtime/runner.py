"""Running a workflow to its next wait state, and reading off what the database must mirror.

This is the only place that drives SpiffWorkflow; services call it under the instance lock.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.clock import Clock
from engine.errors import Conflict, NotFound, OperatorError, ScriptError
from engine.runtime.operators import OperatorContext, OperatorRegistry
from engine.runtime.sandbox import Sandbox, SandboxScriptEngine
from engine.runtime.specs import IpflowWorkflow, OperatorServiceTask
from engine.runtime.state import ProcessSpecs

# Exceptions SpiffWorkflow lets escape where its own checks have gaps; we report them as the
# step's error instead of a traceback.
LIBRARY_FAILURES = (TypeError, ValueError, KeyError, AttributeError, IndexError)

# A run that keeps finding new engine work after this many rounds is looping without a wait state.
MAX_ROUNDS = 1000


class IpflowScriptEngine(SandboxScriptEngine):
    """The sandboxed script engine, plus the clock and the operators a step may call."""

    def __init__(
        self,
        sandbox: Sandbox,
        clock: Clock,
        operators: OperatorRegistry,
        context_factory: Callable[[Any], OperatorContext],
    ):
        super().__init__(sandbox, call_service=self._call_operator)
        self.clock = clock
        self.operators = operators
        self._context_factory = context_factory

    def now(self) -> datetime:
        return self.clock.now()

    def is_async_operator(self, name: str) -> bool:
        return self.operators.get(name).asynchronous

    def _call_operator(self, task, operation_name: str, operation_params: Mapping[str, Any]) -> str:
        operator = self.operators.get(operation_name)
        params = {k: v["value"] for k, v in operation_params.items()}
        try:
            result = operator(self._context_factory(task), params)
        except (ScriptError, OperatorError, Conflict, NotFound):
            raise
        except Exception as exc:  # an operator's own bug: name it, keep the instance's last good state
            raise OperatorError(f"operator {operation_name!r} failed: {type(exc).__name__}: {exc}") from exc
        return json.dumps(result, default=str)


@dataclass(frozen=True)
class ReadyHumanTask:
    task_id: str
    element_id: str
    name: str
    lane: str | None
    properties: Mapping[str, str]


@dataclass(frozen=True)
class PendingTimer:
    task_id: str
    element_id: str
    due_at: datetime


@dataclass(frozen=True)
class PendingServiceCall:
    task_id: str
    element_id: str
    operator: str
    params: Mapping[str, Any]
    retries: int | None
    backoff_base: int | None = None  # spiffworkflow:retry backoff_base, seconds


@dataclass(frozen=True)
class WaitingMessage:
    task_id: str
    element_id: str
    message_name: str
    correlation: Mapping[str, str]


@dataclass(frozen=True)
class Snapshot:
    """Everything about a workflow at a wait state that lives in rows outside its state."""

    completed: bool
    human_tasks: tuple[ReadyHumanTask, ...]
    timers: tuple[PendingTimer, ...]
    service_calls: tuple[PendingServiceCall, ...]
    messages: tuple[WaitingMessage, ...]
    data: Mapping[str, Any] = field(default_factory=dict)


def new_workflow(specs: ProcessSpecs, engine: IpflowScriptEngine, data: Mapping[str, Any]) -> BpmnWorkflow:
    workflow = IpflowWorkflow(specs.spec, specs.subprocess_specs, script_engine=engine)
    workflow.task_tree.data.update(data)
    for task in workflow.task_tree.children:
        task.data.update(data)
    return workflow


def run_to_wait_state(workflow: BpmnWorkflow, on_completed: Callable[[Any], None] | None = None) -> None:
    """Fire due timers and run engine tasks until only people, timers, messages or jobs are left."""
    for _ in range(MAX_ROUNDS):
        workflow.refresh_timers()
        try:
            workflow.do_engine_steps(did_complete_task=on_completed)
        except (ScriptError, OperatorError, NotFound):
            raise
        except SpiffWorkflowException as exc:
            raise ScriptError(_spiff_message(exc), element_id=_element_of(exc)) from exc
        except LIBRARY_FAILURES as exc:  # the library's own gaps, e.g. a multi-instance over None
            raise ScriptError(f"the engine could not run this step ({type(exc).__name__}: {exc})", element_id=_running_element(workflow)) from exc
        if not _has_engine_work(workflow):
            return
    raise ScriptError(f"the process kept running for {MAX_ROUNDS} rounds without reaching a wait state")


def _running_element(workflow: BpmnWorkflow) -> str:
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.STARTED | TaskState.ERROR):
        if not task.task_spec.manual and task.task_spec.bpmn_id:
            return task.task_spec.bpmn_id
    return ""


def _has_engine_work(workflow: BpmnWorkflow) -> bool:
    return any(not t.task_spec.manual for t in workflow.get_tasks(state=TaskState.READY))


def find_task(workflow: BpmnWorkflow, task_id: str):
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except (ValueError, KeyError, SpiffWorkflowException):
        task = None
    if task is None:
        raise NotFound(f"task {task_id} is not part of this instance")
    return task


def complete_human_task(workflow: BpmnWorkflow, task_id: str, data: Mapping[str, Any]):
    """Complete a READY manual task with submitted data; the caller then runs to the wait state."""
    task = find_task(workflow, task_id)
    if not task.task_spec.manual:
        raise Conflict(f"task {task.task_spec.bpmn_id} is done by the engine, not by a person")
    if task.state != TaskState.READY:
        raise Conflict(f"task {task.task_spec.bpmn_id} is {TaskState.get_name(task.state).lower()}, not ready")
    task.data.update(data)
    try:
        task.run()
    except (ScriptError, OperatorError):
        raise
    except SpiffWorkflowException as exc:
        raise ScriptError(_spiff_message(exc), element_id=task.task_spec.bpmn_id) from exc
    except LIBRARY_FAILURES as exc:
        raise ScriptError(f"the engine could not complete this task ({type(exc).__name__}: {exc})", element_id=task.task_spec.bpmn_id) from exc
    return task


def complete_service_call(workflow: BpmnWorkflow, task_id: str, result: Any):
    """Finish an asynchronous service task with the operator's result."""
    task = find_task(workflow, task_id)
    if not isinstance(task.task_spec, OperatorServiceTask) or task.state != TaskState.STARTED:
        raise Conflict(f"task {task.task_spec.bpmn_id} is not waiting for a service call")
    task.data[task.task_spec.result_variable] = result
    task.complete()
    return task


def deliver_message(workflow: BpmnWorkflow, task_id: str, name: str, payload: Mapping[str, Any]):
    """Hand a message to the waiting catch event `task_id` (the subscription row chose it)."""
    task = find_task(workflow, task_id)
    definition = _message_definition(task.task_spec, name)
    if definition is None or task.state != TaskState.WAITING:
        raise Conflict(f"{task.task_spec.bpmn_id} is not waiting for message {name!r}")
    payload = dict(payload)
    event = BpmnEvent(definition, payload)
    if isinstance(task.task_spec.event_definition, MultipleEventDefinition):
        # e.g. an event-based gateway: record which of its events happened, as the library does
        definition.update_internal_data(task, event)
        task._set_internal_data(seen_events=task.internal_data.get("seen_events", []) + [event])
    else:
        try:
            definition.catch(task, event)
        except ScriptError:
            # the payload lacks a correlation property; our subscription row already matched it
            definition.update_internal_data(task, event)
            task._set_internal_data(event_fired=True)
    task.task_spec._update(task)
    if getattr(definition, "message_var", None) is None:
        # No message variable named: the payload's fields become process data. Only now, after
        # the task took its parent's data on becoming ready, or older values would win.
        task.data.update(payload)
    return task


def snapshot(workflow: BpmnWorkflow, business_key: str | None) -> Snapshot:
    """Read what must be mirrored into rows: ready human tasks, timers, service calls, messages."""
    human, timers, calls, messages = [], [], [], []
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED):
        spec = task.task_spec
        if task.state == TaskState.READY and spec.manual:
            human.append(_human(task))
        elif task.state == TaskState.STARTED and isinstance(spec, OperatorServiceTask):
            calls.append(_service_call(task))
        elif task.state == TaskState.WAITING and isinstance(spec, CatchingEvent):
            due = _timer_due(task)
            if due is not None:
                timers.append(PendingTimer(str(task.id), spec.bpmn_id, due))
            for name in _message_names(spec.event_definition):
                messages.append(WaitingMessage(str(task.id), spec.bpmn_id, name, _correlation(task, business_key)))
    return Snapshot(
        completed=workflow.completed,
        human_tasks=tuple(human),
        timers=tuple(timers),
        service_calls=tuple(calls),
        messages=tuple(messages),
        data=workflow.data,
    )


def _human(task) -> ReadyHumanTask:
    spec = task.task_spec
    extensions = getattr(spec, "extensions", None) or {}
    return ReadyHumanTask(
        task_id=str(task.id),
        element_id=spec.bpmn_id,
        name=spec.bpmn_name or spec.bpmn_id,
        lane=spec.lane,
        properties=dict(extensions.get("properties", {})),
    )


def _service_call(task) -> PendingServiceCall:
    spec = task.task_spec
    params = task._get_internal_data("operator_params") or {}
    return PendingServiceCall(
        task_id=str(task.id),
        element_id=spec.bpmn_id,
        operator=spec.operation_name,
        params={k: v["value"] for k, v in params.items()},
        retries=spec.retries,
        backoff_base=spec.retry_backoff_base,
    )


def _timer_due(task) -> datetime | None:
    definition = task.task_spec.event_definition
    definitions = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
    if not any(isinstance(d, TimerEventDefinition) for d in definitions):
        return None
    value = task._get_internal_data("event_value")
    if isinstance(value, dict):  # cycle timers keep their next firing
        value = value.get("next")
    if not value:
        return None
    return TimerEventDefinition.get_datetime(value) if isinstance(value, str) else None


def _message_names(definition) -> list[str]:
    if isinstance(definition, MultipleEventDefinition):
        return [d.name for d in definition.event_definitions if isinstance(d, MessageEventDefinition)]
    return [definition.name] if isinstance(definition, MessageEventDefinition) else []


def _message_definition(spec, name: str):
    definition = getattr(spec, "event_definition", None)
    candidates = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
    for candidate in candidates:
        if isinstance(candidate, MessageEventDefinition) and candidate.name == name:
            return candidate
    return None


def _correlation(task, business_key: str | None) -> dict[str, str]:
    """The values a message must carry to reach this task: the business key, plus any process
    variable named by one of the message's correlation properties."""
    values = {"business_key": business_key} if business_key else {}
    definition = task.task_spec.event_definition
    for prop in getattr(definition, "correlation_properties", None) or []:
        if prop.name in task.data and task.data[prop.name] is not None:
            values[prop.name] = str(task.data[prop.name])
    return values


def _spiff_message(exc: SpiffWorkflowException) -> str:
    notes = getattr(exc, "notes", None) or []
    return "; ".join([str(exc.args[0]) if exc.args else type(exc).__name__, *notes])


def _element_of(exc: SpiffWorkflowException) -> str:
    task_spec = getattr(exc, "task_spec", None)
    if task_spec is not None:
        return getattr(task_spec, "bpmn_id", None) or getattr(task_spec, "name", "")
    task = getattr(exc, "task", None)
    return task.task_spec.bpmn_id if task is not None else ""
