"""Request and response bodies of /messages."""

from __future__ import annotations

from marshmallow import Schema, fields

from engine.services.message_intake import MESSAGES


def _catalogue() -> str:
    lines = []
    for name, kind in MESSAGES.items():
        carried = "; ".join(f"`{key}`{' (required)' if f.required else ''}: {f.description}" for key, f in kind.payload.items())
        lines.append(f"- `{name}` ({', '.join(kind.senders)}): {kind.description} Payload: {carried}.")
    return "\n".join(lines)


class MessageSchema(Schema):
    correlation = fields.Dict(
        keys=fields.String(), values=fields.String(), required=True,
        metadata={"description": "Which case: every value must match, e.g. {\"business_key\": \"40-2026-000001\"} "
                  "(the business key is the application number).", "example": {"business_key": "40-2026-000001"}},
    )  # fmt: skip
    payload = fields.Dict(
        keys=fields.String(), load_default=dict,
        metadata={"description": "What the message carries; each message has its own fields (see the list above).",
                  "example": {"amount": "850.00", "reference": "PAY-2026-0001"}},
    )  # fmt: skip


class MessageOutcomeSchema(Schema):
    message = fields.String(required=True)
    instance_id = fields.Integer(required=True, metadata={"description": "The process instance that took the message"})
    application_number = fields.String(allow_none=True, required=True)
    status = fields.String(required=True, metadata={"description": "The application's status after the message"})
    instance_status = fields.String(required=True, metadata={"description": "running, suspended, completed, ..."})
    current = fields.List(
        fields.String(), required=True, metadata={"description": "The steps (BPMN element ids) the case is at now"}
    )


CATALOGUE = _catalogue()
