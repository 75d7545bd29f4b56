"""Use case: an application is filed. The case, its number and its process start together."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.container import Ipflow
from engine.db.models import Case
from engine.services.cases import create_case
from engine.services.instances import show_instance, start_in_session
from engine.services.views import InstanceView

# The process each right type runs (bpmn/<right>/<right>.bpmn).
PROCESS_FOR = {"trademark": "trademark", "patent": "patent", "design": "design"}


@dataclass(frozen=True)
class Filing:
    case_id: int
    application_number: str | None
    instance: InstanceView


def file_application(ctx: Ipflow, right_type: str, data: Mapping[str, Any], actor: str = "system") -> Filing:
    """Validate and store the application, then start its right type's process, in one transaction:
    a refused filing leaves nothing behind, a numbered one always has its process."""
    with ctx.db.transaction() as session:
        case = create_case(session, ctx.clock, ctx.settings, right_type, data)
        session.flush()
        instance_id = start_in_session(
            ctx, session, PROCESS_FOR[str(case.right_type)], {"case_id": case.id, "right_type": str(case.right_type)}, None, actor
        )
        case_id = case.id
    with ctx.db.reading() as session:
        number = session.get(Case, case_id).application_number
    return Filing(case_id, number, show_instance(ctx, instance_id))
