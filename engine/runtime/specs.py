"""Our few extensions of SpiffWorkflow's task specs, the parser that builds them, and their serializer.

- Timers read the injected clock (through the workflow's script engine), never the wall clock.
- A service task whose operator is asynchronous stays STARTED; a worker completes it later.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import ServiceTaskParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.serializer.task_spec import ServiceTaskConverter
from SpiffWorkflow.spiff.specs.defaults import ServiceTask as SpiffServiceTask


def _now(my_task) -> datetime:
    engine = my_task.workflow.script_engine
    clock = getattr(engine, "clock", None)
    return clock.now() if clock is not None else datetime.now(timezone.utc)


class ClockTimeDate(TimeDateEventDefinition):
    """A timer at a date; the date expression is evaluated once, when the timer starts waiting."""

    def has_fired(self, my_task):
        value = my_task._get_internal_data("event_value")
        if value is None:
            value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            value = TimerEventDefinition.parse_time_or_duration(str(value)).isoformat()
            my_task._set_internal_data(event_value=value)
        if datetime.fromisoformat(value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockDuration(DurationTimerEventDefinition):
    """A timer after an ISO 8601 duration, counted from when the timer starts waiting."""

    def has_fired(self, my_task):
        value = my_task._get_internal_data("event_value")
        if value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            start = _now(my_task)
            parsed = TimerEventDefinition.parse_iso_duration(str(expression))
            value = (start + TimerEventDefinition.get_timedelta_from_start(parsed, start)).isoformat()
            my_task._set_internal_data(event_value=value)
        if datetime.fromisoformat(value) <= _now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockCycle(CycleTimerEventDefinition):
    """A repeating timer (R<n>/<start>/<duration>) driven by the injected clock."""

    def cycle_complete(self, my_task):
        value = my_task._get_internal_data("event_value")
        now = _now(my_task)
        if value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            cycles, start, duration = _parse_cycle(str(expression), now)
            value = {"cycles": cycles, "next": start.isoformat(), "duration": duration.total_seconds()}
        ready = False
        if value["cycles"] != 0:
            upcoming = datetime.fromisoformat(value["next"])
            if upcoming <= now:
                value["next"] = (upcoming + timedelta(seconds=value["duration"])).isoformat()
                value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
            return False
        my_task._set_internal_data(event_value=value)
        return ready


def _parse_cycle(expression: str, now: datetime):
    parts = expression.upper().replace("--", "/").strip("R").split("/")
    if len(parts) == 2 and parts[1].startswith("P"):
        # "R3/PT1H": the library starts such cycles from the wall clock; ours start from `now`.
        cycles = int(parts[0]) if parts[0] else -1
        duration = TimerEventDefinition.get_timedelta_from_start(TimerEventDefinition.parse_iso_duration(parts[1]), now)
        return cycles, now + duration, duration
    return TimerEventDefinition.parse_iso_recurring_interval(expression)


TIMER_CLASSES = {
    TimeDateEventDefinition: ClockTimeDate,
    DurationTimerEventDefinition: ClockDuration,
    CycleTimerEventDefinition: ClockCycle,
}


class OperatorServiceTask(SpiffServiceTask):
    """Runs a registered operator: synchronous ones now, asynchronous ones later by a worker."""

    def _execute(self, task):
        engine = task.workflow.script_engine
        params = self.evaluate_params(task)
        if engine.is_async_operator(self.operation_name):
            task._set_internal_data(operator_params=params)
            return None  # stays STARTED until a worker completes it
        result = engine.call_service(task, operation_name=self.operation_name, operation_params=params)
        task.data[self.result_variable] = json.loads(result)
        return True


class IpflowParser(SpiffBpmnParser):
    """SpiffBpmnParser with our service task and clock-driven timers."""

    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (ServiceTaskParser, OperatorServiceTask),
    }

    def get_spec(self, process_id, required=True):
        spec = super().get_spec(process_id, required=required)
        if spec is not None:
            use_clock_timers(spec)
        return spec


def use_clock_timers(spec) -> None:
    """Swap the library's wall-clock timer definitions for ours, in place (idempotent)."""
    for task_spec in spec.task_specs.values():
        definition = getattr(task_spec, "event_definition", None)
        if definition is not None:
            task_spec.event_definition = _clock_timer(definition)


def _clock_timer(definition):
    if isinstance(definition, MultipleEventDefinition):
        definition.event_definitions = [_clock_timer(d) for d in definition.event_definitions]
        return definition
    replacement = TIMER_CLASSES.get(type(definition))
    if replacement is None:
        return definition
    return replacement(definition.name, definition.expression, description=definition.description)


class IpflowWorkflow(BpmnWorkflow):
    """BpmnWorkflow whose task queries see the whole task tree.

    The library stops walking the tree at depth 1000 by default, and a loop adds to the depth on
    every round, so after a few hundred rounds a ready task became invisible and the instance
    silently stopped. We walk to the end, however deep.
    """

    # BPMN elements of the top-level process completed in tasks dropped by engine.runtime.pruning
    pruned_elements: frozenset[str] | set[str] = frozenset()

    def get_tasks_iterator(self, first_task=None, **kwargs):
        kwargs.setdefault("max_depth", sys.maxsize)
        return super().get_tasks_iterator(first_task, **kwargs)


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Serializes a workflow without its specs; restores it onto specs passed in by the caller.

    Converting the spec on every save would cost as much as the rest of the state together.
    """

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        pruned = getattr(workflow, "pruned_elements", ())
        if pruned:
            dct["ipflow_pruned_elements"] = sorted(pruned)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        if spec is None:
            raise ValueError("workflow state is stored without its spec; pass spec= and subprocess_specs=")
        workflow = IpflowWorkflow(spec, dict(subprocess_specs or {}), deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        workflow.pruned_elements = set(dct.pop("ipflow_pruned_elements", ()))
        return workflow


def make_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = SpeclessWorkflowConverter
    config[IpflowWorkflow] = SpeclessWorkflowConverter
    config.pop(SpiffServiceTask, None)
    config[OperatorServiceTask] = ServiceTaskConverter
    for replacement in TIMER_CLASSES.values():
        config[replacement] = TimerConditionalEventDefinitionConverter
    registry = BpmnWorkflowSerializer.configure(config)
    # Task data may hold dates and decimals (sandbox helpers return them); keep them typed.
    registry.register(date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"]))
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
    return BpmnWorkflowSerializer(registry)
