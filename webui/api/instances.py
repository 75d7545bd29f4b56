"""/instances: one process instance's state, and an operator's actions on it (suspend, resume,
terminate, retry an incident). Each action is audited with its reason and the token's user."""

from __future__ import annotations

from engine.services.instance_operations import resume_instance, retry_instance_incident, suspend_instance, terminate_instance
from engine.services.instances import show_instance
from webui.api.auth import OPERATORS, ApiBlueprint, principal
from webui.api.instances_schemas import InstanceSchema, ReasonSchema
from webui.api.problems import PROBLEM_TYPE, ProblemSchema
from webui.navigation import ipflow

bp = ApiBlueprint(
    "api_instances", __name__, url_prefix="/api/v1/instances", description="Process instances: state and operations"
)

ID = "int(min=1, max=2147483647)"
_NOT_FOUND = {"schema": ProblemSchema, "content_type": PROBLEM_TYPE, "description": "No such process instance"}
_PROBLEM = {"schema": ProblemSchema, "content_type": PROBLEM_TYPE}


@bp.route(f"/<{ID}:instance_id>", methods=["GET"])
@bp.roles(*OPERATORS)
@bp.response(200, InstanceSchema)
@bp.alt_response(404, **_NOT_FOUND)
def show(instance_id: int):
    """A process instance: status, version, current steps, open tasks, pending jobs and incidents"""
    return show_instance(ipflow(), instance_id, with_history=False)


@bp.route(f"/<{ID}:instance_id>/suspend", methods=["POST"])
@bp.roles(*OPERATORS)
@bp.arguments(ReasonSchema)
@bp.response(200, InstanceSchema)
@bp.alt_response(404, **_NOT_FOUND)
@bp.alt_response(409, description="Already suspended, or finished (completed or terminated)", **_PROBLEM)
def suspend(body: dict, instance_id: int):
    """Suspend an instance: its timers and service calls wait, its tasks cannot be completed"""
    return suspend_instance(ipflow(), instance_id, body["reason"], principal().username)


@bp.route(f"/<{ID}:instance_id>/resume", methods=["POST"])
@bp.roles(*OPERATORS)
@bp.arguments(ReasonSchema)
@bp.response(200, InstanceSchema)
@bp.alt_response(404, **_NOT_FOUND)
@bp.alt_response(409, description="Not suspended", **_PROBLEM)
def resume(body: dict, instance_id: int):
    """Resume a suspended instance; timers that fell due meanwhile fire at the worker's next sweep"""
    return resume_instance(ipflow(), instance_id, body["reason"], principal().username)


@bp.route(f"/<{ID}:instance_id>/terminate", methods=["POST"])
@bp.roles(*OPERATORS)
@bp.arguments(ReasonSchema)
@bp.response(200, InstanceSchema)
@bp.alt_response(404, **_NOT_FOUND)
@bp.alt_response(409, description="Already finished (completed or terminated)", **_PROBLEM)
def terminate(body: dict, instance_id: int):
    """Terminate an instance for good: its open tasks and pending jobs are cancelled"""
    return terminate_instance(ipflow(), instance_id, body["reason"], principal().username)


@bp.route(f"/<{ID}:instance_id>/incidents/<{ID}:job_id>/retry", methods=["POST"])
@bp.roles(*OPERATORS)
@bp.response(200, InstanceSchema)
@bp.alt_response(404, description="No such instance, or no such job in it", **_PROBLEM)
@bp.alt_response(409, description="The job is not an incident", **_PROBLEM)
def retry(instance_id: int, job_id: int):
    """Retry an incident once its cause is fixed: the job is due now with a fresh set of tries"""
    return retry_instance_incident(ipflow(), instance_id, job_id, principal().username)
