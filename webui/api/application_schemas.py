"""Request and response bodies of /api/v1/applications.

A filing's body is documented with the case schemas themselves (engine/domain/case_schemas.py):
the service validates with them, so the spec and the checks cannot drift apart. Amounts are
decimal strings ("550.00"), dates ISO 8601. Fields that may be null say so (nullable)."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_smorest.fields import Upload
from marshmallow import Schema, fields
from marshmallow.validate import OneOf, Range, Regexp

from engine.domain.case_schemas import DesignCaseSchema, PatentCaseSchema, TrademarkCaseSchema
from engine.services.application_status import MAX_OFFSET
from engine.services.idempotency import HEADER, KEY

RIGHT_TYPES = ("trademark", "patent", "design")
DECIMAL = {"type": "string", "format": "decimal", "example": "550.00"}

# Instances for the spec only: `today` bounds dates when a filing is loaded, never here.
FILING_BODIES = {
    "trademark": TrademarkCaseSchema(today=date.max),
    "patent": PatentCaseSchema(today=date.max),
    "design": DesignCaseSchema(today=date.max),
}


def _amount(**kwargs) -> fields.String:
    return fields.String(metadata={**DECIMAL, **kwargs.pop("metadata", {})}, **kwargs)


class IdempotencyHeaderSchema(Schema):
    idempotency_key = fields.String(
        data_key=HEADER,
        load_default=None,
        validate=Regexp(KEY, error="Use 1 to 200 visible ASCII characters (no spaces), e.g. a UUID."),
        metadata={
            "description": "Makes a retried filing safe: the same key with the same body answers with the first "
            "filing's receipt (201 again, with Idempotent-Replayed: true) and files nothing; the same key with "
            "another body is refused (422). Keys are per token. 1 to 200 visible ASCII characters."
        },
    )


class FeeLineSchema(Schema):
    code = fields.String(required=True)
    description = fields.String(required=True)
    quantity = fields.Integer(required=True)
    amount = _amount(required=True)


class FilingFeesSchema(Schema):
    lines = fields.List(fields.Nested(FeeLineSchema), required=True)
    total = _amount(required=True)
    currency = fields.String(required=True, metadata={"example": "EUR"})
    due_date = fields.Date(allow_none=True, metadata={"description": "The last day to pay (the payment time limit)"})


class FilingReceiptSchema(Schema):
    application_number = fields.String(allow_none=True, metadata={"example": "40-2026-000001"})
    case_id = fields.Integer(required=True)
    right_type = fields.String(required=True, validate=OneOf(RIGHT_TYPES))
    status = fields.String(required=True, metadata={"example": "filed"})
    status_url = fields.Method("_status_url", metadata={"type": "string", "format": "uri", "nullable": True})
    fee_sheet = fields.Nested(FilingFeesSchema, attribute="fees", allow_none=True)

    def _status_url(self, receipt) -> str | None:
        number = receipt.application_number
        return url_for("api_applications.show", number=number, _external=True) if number else None


class PartyOutSchema(Schema):
    role = fields.String(required=True, metadata={"description": "applicant, representative, inventor or creator"})
    name = fields.String(required=True)
    address = fields.String(allow_none=True)
    country = fields.String(required=True)
    email = fields.String(allow_none=True)


class PriorityOutSchema(Schema):
    country = fields.String(required=True)
    number = fields.String(required=True)
    date = fields.Date(required=True)


class FeeSheetOutSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"example": "filing"})
    currency = fields.String(required=True)
    total = _amount(required=True)
    tariff = fields.String(required=True)
    computed_at = fields.DateTime(required=True)
    due_date = fields.Date(allow_none=True)
    status = fields.String(required=True, metadata={"description": "due, paid or cancelled"})
    lines = fields.List(fields.Nested(FeeLineSchema), required=True)


class PaymentOutSchema(Schema):
    id = fields.Integer(required=True)
    fee_sheet_id = fields.Integer(allow_none=True)
    amount = _amount(required=True)
    currency = fields.String(required=True)
    reference = fields.String(required=True)
    received_at = fields.DateTime(required=True)
    matched = fields.Boolean(required=True)


class DeadlineOutSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"example": "fee_payment"})
    legal_kind = fields.String(required=True, metadata={"description": "statutory or office-set (extendable)"})
    event_date = fields.Date(required=True)
    due_date = fields.Date(required=True)
    extensions = fields.Integer(required=True)


class PublicationOutSchema(Schema):
    gazette_number = fields.String(required=True)
    published_on = fields.Date(required=True)
    kind = fields.String(required=True)


class RegisterEntryOutSchema(Schema):
    registration_number = fields.String(required=True)
    registered_on = fields.Date(required=True)
    term_start = fields.Date(required=True)
    expiry_date = fields.Date(required=True)
    status = fields.String(required=True, metadata={"description": "in_force, lapsed or expired"})


class ApplicationDocumentSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "upload, letter, certificate or image"})
    name = fields.String(required=True)
    media_type = fields.String(required=True, metadata={"example": "application/pdf"})
    size = fields.Integer(required=True, metadata={"description": "bytes"})
    sha256 = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    created_by = fields.String(required=True)


class ApplicationStatusSchema(Schema):
    application_number = fields.String(attribute="number", allow_none=True)
    case_id = fields.Integer(attribute="id", required=True)
    right_type = fields.String(required=True, validate=OneOf(RIGHT_TYPES))
    status = fields.String(required=True, metadata={"example": "filed"})
    title = fields.String(required=True)
    filing_date = fields.Date(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    applicants = fields.List(fields.Nested(PartyOutSchema), required=True)
    representative = fields.Nested(PartyOutSchema, allow_none=True)
    other_parties = fields.List(
        fields.Nested(PartyOutSchema), attribute="others", metadata={"description": "Inventors, creators"}
    )
    priority_claims = fields.List(fields.Nested(PriorityOutSchema), required=True)
    classes = fields.List(
        fields.String(), required=True, metadata={"description": "Nice classes, IPC symbols or the Locarno class"}
    )
    particulars = fields.Method(
        "_particulars", metadata={"type": "object", "description": "What the right type adds: mark, claims, designs"}
    )
    fee_sheets = fields.List(fields.Nested(FeeSheetOutSchema), required=True)
    payments = fields.List(fields.Nested(PaymentOutSchema), required=True)
    open_deadlines = fields.List(fields.Nested(DeadlineOutSchema), required=True)
    documents = fields.List(fields.Nested(ApplicationDocumentSchema), required=True)
    publications = fields.List(fields.Nested(PublicationOutSchema), required=True)
    register_entry = fields.Nested(RegisterEntryOutSchema, allow_none=True)

    def _particulars(self, summary) -> dict:
        return _json_ready(summary.particulars)


class HistoryQuerySchema(Schema):
    limit = fields.Integer(load_default=50, validate=Range(1, 200, error="Ask for 1 to 200 items a page."))
    offset = fields.Integer(load_default=0, validate=Range(0, MAX_OFFSET, error=f"Use an offset from 0 to {MAX_OFFSET}."))


class HistoryItemSchema(Schema):
    at = fields.DateTime(required=True)
    kind = fields.String(required=True, metadata={"example": "task_completed"})
    label = fields.String(required=True, metadata={"example": "Task completed"})
    actor = fields.String(required=True)
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True)
    by_person = fields.Boolean(required=True, metadata={"description": "A person (or an integration) did it, not the engine"})


class HistoryPageSchema(Schema):
    items = fields.List(fields.Nested(HistoryItemSchema), required=True)
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)


class DocumentUploadSchema(Schema):
    file = Upload(required=True, metadata={"description": "PDF, PNG, JPEG or TIFF (recognised by content), up to 20 MiB"})


def _json_ready(value):
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(item) for item in value]
    return value.isoformat() if isinstance(value, date) else value
