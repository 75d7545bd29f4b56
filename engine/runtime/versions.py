"""Comparing two deployed versions of a process, and moving a running workflow from one to the other.

The one place that uses SpiffWorkflow's diff utilities. A `VersionMove` is built once per pair of
versions (the spec diffs do not depend on any instance) and then applied to each workflow; services
get plain dataclasses and sentences a person can act on, never library objects.

Moving resets the tasks that are ready or waiting so that they are predicted again from the new
version. That also throws away what waiting timers had computed, so a timer would count again from
the moment of the move; we keep each waiting timer's due moment from before the move instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins import (
    CallActivityMixin,
    EventBasedGatewayMixin,
    ManualTaskMixin,
    ScriptTaskMixin,
    ServiceTaskMixin,
    SubWorkflowTaskMixin,
    UserTaskMixin,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, diff_dependencies, migrate_workflow
from SpiffWorkflow.dmn.specs import BusinessRuleTaskMixin
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.errors import IpflowError
from engine.runtime.runner import LIBRARY_FAILURES
from engine.runtime.specs import make_serializer
from engine.runtime.state import ProcessSpecs

# Changes to a task's flows only: moving predicts the task's future again, so they never block.
FLOW_ONLY = frozenset({"inputs", "outputs"})
_IN_PROGRESS = TaskState.READY | TaskState.STARTED | TaskState.ERROR
_HERE = _IN_PROGRESS | TaskState.WAITING

# What a changed attribute of a serialized task spec means to the person reading the diff.
_WORDS = {
    "bpmn_name": "label", "bpmn_id": "id", "name": "id", "typename": "element type", "lane": "lane",
    "documentation": "documentation", "extensions": "properties (form, instructions, due date)",
    "decision_table": "decision table", "prescript": "pre-script", "postscript": "post-script", "script": "script",
    "event_definition": "event", "cond_task_specs": "conditions", "default_task_spec": "default flow",
    "operation_name": "operator", "operation_params": "operator parameters", "result_variable": "result variable",
    "spec": "called process", "inputs": "incoming flows", "outputs": "outgoing flows", "variable": "form variable", "form": "form",
    "data_input_associations": "data", "data_output_associations": "data", "io_specification": "data",
}
_KINDS = (
    (UserTaskMixin, "user task"), (ManualTaskMixin, "manual task"), (ServiceTaskMixin, "service task"),
    (ScriptTaskMixin, "script task"), (BusinessRuleTaskMixin, "business rule task"), (CallActivityMixin, "call activity"),
    (SubWorkflowTaskMixin, "subprocess"), (EventBasedGatewayMixin, "event-based gateway"),
)


@dataclass(frozen=True)
class ElementChange:
    """One BPMN element that a new version added, removed or changed."""

    element_id: str
    name: str
    kind: str  # "user task", "service task", "timer intermediate catch event", ...
    process_id: str = ""  # the process it belongs to: the top one or a call activity's
    changes: tuple[str, ...] = ()  # what changed, in words ("label", "decision table"); empty if added or removed
    user_task: bool = False  # people see it in their inbox
    timer: bool = False  # it waits for a time (an event-based gateway holding a timer counts)


@dataclass(frozen=True)
class SpecChanges:
    added: tuple[ElementChange, ...]
    removed: tuple[ElementChange, ...]
    changed: tuple[ElementChange, ...]
    unchanged_count: int


@lru_cache(maxsize=1)
def _registry():
    return make_serializer().registry


class VersionMove:
    """The difference between two versions' specs, and how to move workflows across it."""

    def __init__(self, old: ProcessSpecs, new: ProcessSpecs, target: str, changed_forms: frozenset[str] = frozenset()):
        """`target` names the new version in reasons ("version 2"); `changed_forms` are the form keys
        whose files differ between the versions (forms are not part of the specs)."""
        registry = _registry()
        self.old, self.new, self.target, self.changed_forms = old, new, target, changed_forms
        self.top = SpecDiff(registry, old.spec, new.spec)
        self.dependencies, self.added_dependencies = diff_dependencies(registry, old.subprocess_specs, new.subprocess_specs)

    def changes(self) -> SpecChanges:
        added: list[ElementChange] = []
        removed: list[ElementChange] = []
        changed: list[ElementChange] = []
        unchanged = 0
        diffs = [(self.old.process_id, self.top)]
        for name, diff in sorted(self.dependencies.items()):
            if diff is None:
                removed.extend(_change(s, name) for s in _elements(self.old.subprocess_specs[name]))
            else:
                diffs.append((name, diff))
        for name in sorted(self.added_dependencies):
            added.extend(_change(s, name) for s in _elements(self.new.subprocess_specs[name]))
        for process_id, diff in diffs:
            added.extend(_change(s, process_id) for s in diff.added if s.bpmn_id)
            removed.extend(_change(s, process_id) for s in diff.removed if s.bpmn_id)
            for spec, candidate in diff.alignment.items():
                if candidate is None or not spec.bpmn_id:
                    continue
                attributes = self._changed(spec, diff)
                if attributes:
                    changed.append(_change(candidate, process_id, _in_words(attributes)))
                else:
                    unchanged += 1
        return SpecChanges(self._sorted(added), self._sorted(removed), self._sorted(changed), unchanged)

    def _sorted(self, changes: list[ElementChange]) -> tuple[ElementChange, ...]:
        """The top process's elements first, then each called process's, by element id."""
        return tuple(sorted(changes, key=lambda c: (c.process_id != self.old.process_id, c.process_id, c.element_id)))

    def blockers(self, workflow) -> tuple[str, ...]:
        """Why this workflow cannot move (nothing when it can); the workflow is not touched."""
        reasons = self._blockers(WorkflowDiff(workflow, self.top), self.top)
        reasons.extend(self._pruned_blockers(workflow))
        for subprocess in workflow.subprocesses.values():
            diff = self.dependencies.get(subprocess.spec.name)
            if diff is None:
                reasons.append(f"the case is inside the called process {subprocess.spec.name!r}, which {self.target} no longer calls")
            else:
                reasons.extend(self._blockers(WorkflowDiff(subprocess, diff), diff))
        return tuple(dict.fromkeys(reasons))

    def _pruned_blockers(self, workflow) -> list[str]:
        """The removed elements the case went through in the part of its history the tree no longer holds."""
        removed = {spec.bpmn_id: spec for spec in self.top.removed if getattr(spec, "bpmn_id", None)}
        return [
            _went_through(f"'{_label(removed[element])}' ({element})", self.target)
            for element in sorted(getattr(workflow, "pruned_elements", ())) if element in removed
        ]  # fmt: skip

    def _changed(self, spec, diff: SpecDiff) -> list[str]:
        """The changed attributes of an old spec, its form counted as one of them."""
        attributes = list(diff.comparisons.get(spec) or ())
        if _form_key(spec) in self.changed_forms:
            attributes.append("form")
        return attributes

    def _blockers(self, diff: WorkflowDiff, spec_diff: SpecDiff) -> list[str]:
        reasons, target = [], self.target
        for task in diff.removed:
            if task.has_state(TaskState.PREDICTED_MASK):
                continue  # moving predicts these again (or _stale() names them)
            what = f"'{_label(task.task_spec)}' ({task.task_spec.bpmn_id})"
            if task.has_state(_HERE):
                reasons.append(f"the case is at {what}, which {target} removes; move the case once it is past that step")
            else:
                reasons.append(_went_through(what, target))
        for task in diff.alignment:
            attributes = [a for a in self._changed(task.task_spec, spec_diff) if a not in FLOW_ONLY]
            what = f"'{_label(task.task_spec)}' ({task.task_spec.bpmn_id})"
            if attributes and task.has_state(_IN_PROGRESS):
                reasons.append(f"the task {what} has started and was changed in {target} (its {', '.join(_in_words(attributes))}); "
                               "move the case once that task is done")
            elif "typename" in attributes and task.state == TaskState.WAITING:
                reasons.append(f"the case waits at {what}, which {target} turns into a different kind of element")
        return reasons

    def apply(self, workflow) -> tuple[str, ...]:
        """Move the workflow onto the new specs, in place. Returns why it cannot move; when it
        returns reasons the workflow may be half-moved and must be thrown away."""
        reasons = self.blockers(workflow)
        if reasons:
            return reasons
        timers = {t.id: t.internal_data["event_value"] for t in workflow.get_tasks(state=TaskState.WAITING) if _waits_for_time(t)}
        try:
            subprocesses = [(s, self.dependencies[s.spec.name]) for s in workflow.subprocesses.values()]
            diffs = [(WorkflowDiff(workflow, self.top), workflow, self.new.spec)]
            diffs += [(WorkflowDiff(s, d), s, self.new.subprocess_specs[s.spec.name]) for s, d in subprocesses]
            for diff, flow, spec in diffs:
                migrate_workflow(diff, flow, spec)
            workflow.subprocess_specs = dict(self.new.subprocess_specs)
            for task_id, value in timers.items():
                _restore_timer(workflow.get_task_from_id(task_id), value)
        except (IpflowError, SpiffWorkflowException, *LIBRARY_FAILURES) as exc:
            return (f"{self.target} cannot take this case over: {exc}",)
        return _stale(workflow, self.target)


def _went_through(what: str, target: str) -> str:
    return f"the case went through {what}, which {target} removes, and a case cannot keep the history of an element its version lacks"


def _restore_timer(task, value) -> None:
    """Put back the due moment a waiting timer had before the move (the move made it count again)."""
    if task is None or not _holds_timer(getattr(task.task_spec, "event_definition", None)):
        return  # the new version has no timer here: its due moment no longer applies
    task.internal_data["event_value"] = dict(value) if isinstance(value, dict) else value
    task.internal_data.pop("event_fired", None)
    seen = task.internal_data.get("seen_events")
    if seen:  # a timer that fired only because it was counted again during the move never fired
        task.internal_data["seen_events"] = [e for e in seen if not isinstance(e.event_definition, TimerEventDefinition)]
    if task.state == TaskState.READY:
        task._set_state(TaskState.WAITING)
        task.workflow.top_workflow.event_manager.add_task(task)


def _stale(workflow, target: str) -> tuple[str, ...]:
    """Tasks still on a spec the new version lacks (e.g. predicted ones the move did not reach)."""
    reasons = []
    for task in workflow.get_tasks():
        spec = task.task_spec
        if task.workflow.spec.task_specs.get(spec.name) is not spec:
            reasons.append(f"the case still expects '{_label(spec)}' ({spec.bpmn_id or spec.name}) later on, which {target} removes")
    return tuple(dict.fromkeys(reasons))


def _waits_for_time(task) -> bool:
    return isinstance(task.task_spec, CatchingEvent) and _holds_timer(task.task_spec.event_definition) and "event_value" in task.internal_data


def _holds_timer(definition) -> bool:
    if isinstance(definition, MultipleEventDefinition):
        return any(isinstance(d, TimerEventDefinition) for d in definition.event_definitions)
    return isinstance(definition, TimerEventDefinition)


def _form_key(spec) -> str | None:
    extensions = getattr(spec, "extensions", None) or {}
    return extensions.get("properties", {}).get("formKey")


def _elements(spec) -> list:
    return [s for s in spec.task_specs.values() if s.bpmn_id]


def _change(spec, process_id: str, changes: tuple[str, ...] = ()) -> ElementChange:
    timer = _holds_timer(getattr(spec, "event_definition", None)) or (spec.description or "").startswith("Timer")
    return ElementChange(spec.bpmn_id, _label(spec), _kind(spec), process_id, changes, isinstance(spec, UserTaskMixin), timer)


def _kind(spec) -> str:
    for cls, word in _KINDS:
        if isinstance(spec, cls):
            return word
    return (spec.description or type(spec).__name__).lower().removeprefix("default ")


def _label(spec) -> str:
    return spec.bpmn_name or spec.bpmn_id or spec.name


def _in_words(attributes) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_WORDS.get(a, a.replace("_", " ")) for a in attributes))


__all__ = ["ElementChange", "SpecChanges", "VersionMove"]
