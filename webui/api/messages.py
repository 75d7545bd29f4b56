"""POST /messages/{name}: an event from outside (payment, reply, request, opposition) for a case."""

from __future__ import annotations

from engine.services.message_intake import MESSAGES, receive_message
from webui.api.auth import ApiBlueprint, principal
from webui.api.messages_schemas import CATALOGUE, MessageOutcomeSchema, MessageSchema
from webui.api.problems import PROBLEM_TYPE, ProblemSchema
from webui.navigation import ipflow

bp = ApiBlueprint(
    "api_messages", __name__, url_prefix="/api/v1/messages", description="Events in: payments, replies, requests, oppositions"
)

# Anyone who may send at least one message; engine/services/message_intake.MESSAGES says which.
SENDERS = tuple(dict.fromkeys(role for kind in MESSAGES.values() for role in kind.senders))


@bp.route("/<name>", methods=["POST"])
@bp.roles(*SENDERS)
@bp.arguments(MessageSchema)
@bp.response(202, MessageOutcomeSchema)
@bp.doc(
    description="Exactly one case must be waiting for the message. The messages, who may send them and what they carry:\n\n"
    + CATALOGUE
)
@bp.alt_response(
    404, schema=ProblemSchema, content_type=PROBLEM_TYPE, description="No such message, or no case matches the correlation"
)
@bp.alt_response(
    409, schema=ProblemSchema, content_type=PROBLEM_TYPE,
    description="The case is not waiting for this message now (the problem names what it waits for), several cases match, or the case is suspended",
)  # fmt: skip
@bp.alt_response(
    422,
    schema=ProblemSchema,
    content_type=PROBLEM_TYPE,
    description="The correlation or the payload is not valid (errors by field path)",
)
def deliver(body: dict, name: str):
    """Send a message to the one case waiting for it, and see where the case stands"""
    return receive_message(ipflow(), name, body["correlation"], body["payload"], principal().username)
