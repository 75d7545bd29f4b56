"""What the deployed spec says about its BPMN elements: names for people, instructions for a step."""

from __future__ import annotations

from collections.abc import Iterator

from engine.runtime.state import ProcessSpecs


def _task_specs(specs: ProcessSpecs) -> Iterator:
    yield from specs.spec.task_specs.values()
    for spec in specs.subprocess_specs.values():
        yield from spec.task_specs.values()


def element_names(specs: ProcessSpecs) -> dict[str, str]:
    """element id -> its name (or the id when it has none), for the top process and its call activities."""
    names: dict[str, str] = {}
    for task_spec in _task_specs(specs):
        element = getattr(task_spec, "bpmn_id", None)
        if element:
            names.setdefault(element, getattr(task_spec, "bpmn_name", None) or element)
    return names


def instructions_for(specs: ProcessSpecs, element_id: str) -> str | None:
    """The `spiffworkflow:instructionsForEndUser` text of a user task (Markdown with Jinja), if any."""
    for task_spec in _task_specs(specs):
        if getattr(task_spec, "bpmn_id", None) == element_id:
            text = (getattr(task_spec, "extensions", None) or {}).get("instructionsForEndUser")
            return text.strip() if text and text.strip() else None
    return None
