"""Request and response bodies of /instances: one instance's state, and an operator's reason."""

from __future__ import annotations

from dataclasses import asdict

from marshmallow import Schema, fields, pre_dump, validate

from engine.services.instance_operations import MAX_REASON
from engine.services.views import InstanceView
from webui.api.tasks_schemas import TaskRowSchema
from webui.api.text_rules import plain_text


class JobSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "timer, service or mail"})
    status = fields.String(required=True, metadata={"description": "pending, running or incident"})
    element_id = fields.String(allow_none=True)
    operator = fields.String(allow_none=True, metadata={"description": "The service operator a service job calls"})
    due_at = fields.String(required=True, metadata={"format": "date-time"})
    attempts = fields.Integer(required=True)
    last_error = fields.String(allow_none=True)


class WaitingMessageSchema(Schema):
    message = fields.String(required=True)
    element_id = fields.String(required=True)
    correlation = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class InstanceSchema(Schema):
    id = fields.Integer(required=True)
    process_id = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "The process version the instance is pinned to"})
    business_key = fields.String(allow_none=True, metadata={"description": "The application number, once numbered"})
    status = fields.String(required=True, metadata={"description": "running, suspended, error, completed or terminated"})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    completed_at = fields.DateTime(allow_none=True)
    current = fields.List(
        fields.String(), required=True, metadata={"description": "Steps (BPMN element ids) ready, started or waiting"}
    )
    open_tasks = fields.List(fields.Nested(TaskRowSchema), required=True)
    pending_jobs = fields.List(
        fields.Nested(JobSchema), required=True, metadata={"description": "Timers and service calls still to run"}
    )
    incidents = fields.List(
        fields.Nested(JobSchema),
        required=True,
        metadata={"description": "Jobs that failed their last try; retry them once the cause is fixed"},
    )
    waiting_messages = fields.List(fields.Nested(WaitingMessageSchema), required=True)
    last_error = fields.String(allow_none=True)

    @pre_dump
    def split_jobs(self, view: InstanceView, **kwargs) -> dict:
        out = asdict(view)
        out["pending_jobs"] = [j for j in view.pending_jobs if j["status"] != "incident"]
        out["incidents"] = [j for j in view.pending_jobs if j["status"] == "incident"]
        return out


class ReasonSchema(Schema):
    reason = fields.String(
        required=True, validate=[validate.Length(1, MAX_REASON), plain_text],
        metadata={"description": "Why; kept in the case history with the token's service user", "example": "Applicant asked to pause: court case pending"},
    )  # fmt: skip
