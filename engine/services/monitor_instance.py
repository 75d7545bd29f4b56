"""The monitor's page of one instance: its state (show_instance), the case it belongs to, the names
of its steps, whom each open task may be reassigned to, the steps its token may move to; and its
diagram with the path so far (completed and current steps, as on the case file)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select

from engine.container import Ipflow
from engine.db.models import Case, DefinitionVersion, ProcessInstance
from engine.errors import NotFound
from engine.runtime.elements import element_names
from engine.runtime.progress import element_progress
from engine.runtime.state import load_state
from engine.runtime.token_move import Step, movable_steps
from engine.services.assignment import UserChoice, assignable_users
from engine.services.case_file import CaseDiagram
from engine.services.instances import show_instance
from engine.services.library import specs_for
from engine.services.version_files import diagram_file
from engine.services.views import InstanceView


@dataclass(frozen=True)
class InstancePage:
    instance: InstanceView
    case_id: int | None
    names: dict[str, str]  # element id -> name
    assignees: dict[str, tuple[UserChoice, ...]]  # open task id -> whom it may go to
    steps: tuple[Step, ...]  # where the token may be moved
    data_json: str  # the process data as the editor shows it

    @property
    def incidents(self) -> tuple[dict, ...]:
        return tuple(j for j in self.instance.pending_jobs if j["status"] == "incident")

    @property
    def live(self) -> bool:
        return self.instance.status in ("running", "suspended", "error")


def instance_page(ctx: Ipflow, instance_id: int) -> InstancePage:
    view = show_instance(ctx, instance_id)
    with ctx.db.reading() as session:
        instance = session.get(ProcessInstance, instance_id)
        specs = specs_for(ctx, session.get(DefinitionVersion, instance.definition_version_id))
        case_id = session.scalar(select(Case.id).where(Case.instance_id == instance_id))
        assignees = {task.id: assignable_users(session, task.candidate_roles) for task in view.open_tasks}
        steps = movable_steps(load_state(instance.state, specs)) if view.status in ("running", "error") else ()
    data_json = json.dumps(view.data, indent=2, sort_keys=True, default=str)
    return InstancePage(view, case_id, element_names(specs), assignees, steps, data_json)


def instance_diagram(ctx: Ipflow, instance_id: int) -> CaseDiagram:
    """The BPMN of the version the instance runs on, with the steps it completed and is at now."""
    with ctx.db.reading() as session:
        instance = session.get(ProcessInstance, instance_id)
        if instance is None:
            raise NotFound(f"process instance {instance_id} does not exist")
        version = session.get(DefinitionVersion, instance.definition_version_id)
        xml = diagram_file(session, version, instance.process_id)[1]
        progress = element_progress(load_state(instance.state, specs_for(ctx, version)))
        return CaseDiagram(instance.process_id, xml, progress.completed, progress.current)


__all__ = ["InstancePage", "instance_diagram", "instance_page"]
