"""Turning specs and workflow state into text and back. The spec is stored once per definition
version; an instance's state is stored without it and rejoined with the cached spec on load."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SERIALIZER_VERSION
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from engine.runtime.specs import make_serializer, use_clock_timers

# Bump when the shape of what we store around SpiffWorkflow's own serialization changes.
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ProcessSpecs:
    """A top-level process spec and every spec its call activities reach."""

    process_id: str
    spec: object
    subprocess_specs: dict


@lru_cache(maxsize=1)
def _serializer():
    return make_serializer()


def dump_specs(specs: ProcessSpecs) -> str:
    serializer = _serializer()
    return json.dumps(
        {
            "process_id": specs.process_id,
            "spec": serializer.to_dict(specs.spec),
            "subprocess_specs": {k: serializer.to_dict(v) for k, v in sorted(specs.subprocess_specs.items())},
        },
        sort_keys=True,
    )


def load_specs(text: str) -> ProcessSpecs:
    serializer = _serializer()
    raw = json.loads(text)
    spec = serializer.from_dict(raw["spec"])
    subprocess_specs = {k: serializer.from_dict(v) for k, v in raw["subprocess_specs"].items()}
    for s in (spec, *subprocess_specs.values()):
        use_clock_timers(s)
    return ProcessSpecs(raw["process_id"], spec, subprocess_specs)


def dump_state(workflow: BpmnWorkflow) -> str:
    """The workflow's state without its specs (they live on the definition version)."""
    serializer = _serializer()
    registry = serializer.registry
    registry._encoder_mode = True  # let the JSON encoder convert task data lazily, as the library does
    try:
        dct = serializer.to_dict(workflow)
    finally:
        registry._encoder_mode = False
    dct[serializer.VERSION_KEY] = serializer.VERSION
    return json.dumps(dct, cls=serializer._encoder_cls, separators=(",", ":"))


def load_state(text: str, specs: ProcessSpecs) -> BpmnWorkflow:
    serializer = _serializer()
    dct = json.loads(text)
    serializer.migrate(dct)
    return serializer.from_dict(dct, spec=specs.spec, subprocess_specs=specs.subprocess_specs)


__all__ = ["SCHEMA_VERSION", "SERIALIZER_VERSION", "ProcessSpecs", "dump_specs", "dump_state", "load_specs", "load_state"]
