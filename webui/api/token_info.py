"""GET /token: what the calling token is (integrations check their token and its expiry with it)."""

from __future__ import annotations

from marshmallow import Schema, fields

from engine.services.api_tokens import describe_token
from webui.api.auth import ApiBlueprint, principal
from webui.navigation import ipflow

bp = ApiBlueprint("api_token", __name__, url_prefix="/api/v1/token", description="The calling token")


class TokenInfoSchema(Schema):
    name = fields.String(required=True, metadata={"description": "The integration the token was issued to"})
    role = fields.String(required=True)
    username = fields.String(required=True, metadata={"description": "The service user the token acts as (in history and audit)"})
    expires_at = fields.DateTime(required=True)


@bp.route("", methods=["GET"])
@bp.roles()
@bp.response(200, TokenInfoSchema)
def show():
    """The calling token: its integration, role, service user and expiry"""
    return describe_token(ipflow(), principal().token_id)
