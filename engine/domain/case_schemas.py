"""What a new case must carry, per right type, as marshmallow schemas.

`load_case(right_type, data, today)` returns clean data or raises InvalidInput whose fields are
dotted paths into the input (`applicants.0.country`, `goods_services.2.nice_class`), so a form
or an API client can put each message next to the value that caused it. `today` is the office's
date from the injected clock: dates in the future are refused against it.

Checks across fields (dates against each other, a class listed twice) run once every field is
valid on its own: before that, marshmallow hands schema validators partial lists whose indexes
are no longer the input's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validates_schema
from marshmallow.validate import Length, OneOf, Range, Regexp

from engine.db.models.cases import MarkKind, MarkType, RightType
from engine.errors import InvalidInput

APPLICATION_HAS_ERRORS = "the application has errors"
_IPC = re.compile(r"([A-H]\d{2}[A-Z])\s*(\d{1,4})\s*/\s*(\d{2,6})")


def _filled(max_length: int) -> Length:
    return Length(min=1, max=max_length, error="Fill this in, with at most {max} characters.")


class Text(fields.String):
    """A string with surrounding white space removed, so '  ' counts as empty. NUL characters are
    refused: no database column stores them, and no person types them."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if "\x00" in text:
            raise ValidationError("The text holds a NUL character (\\0); remove it.")
        return text


class IpcSymbol(fields.String):
    """An IPC symbol, written the one canonical way: 'a61k31/00' -> 'A61K 31/00'."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        match = _IPC.fullmatch(text.strip().upper())
        if match is None:
            raise ValidationError(f"{text!r} is not an IPC symbol like A61K 31/00.")
        return f"{match[1]} {match[2]}/{match[3]}"


def _country() -> fields.String:
    return fields.String(
        required=True, validate=Regexp(r"[A-Z]{2}\Z", error="Use the two-letter ST.3 code in capitals, like BG or DE.")
    )


class PartySchema(Schema):
    name = Text(required=True, validate=_filled(300))
    address = Text(required=True, validate=_filled(1000))
    country = _country()
    email = fields.Email(load_default=None, allow_none=True)


class PriorityClaimSchema(Schema):
    country = _country()
    number = Text(required=True, validate=_filled(64))
    date = fields.Date(required=True)


class GoodsServicesSchema(Schema):
    nice_class = fields.Integer(required=True, validate=Range(1, 45, error="Nice classes run from 1 to 45."))
    terms = Text(required=True, validate=_filled(20000))


class DesignItemSchema(Schema):
    product_indication = Text(required=True, validate=_filled(500))
    views = fields.Integer(required=True, validate=Range(1, 999, error="A design has from 1 to 999 views."))


def _parties(required: bool = False) -> fields.List:
    if required:
        return fields.List(fields.Nested(PartySchema), required=True, validate=Length(min=1, error="Name at least one."))
    return fields.List(fields.Nested(PartySchema), load_default=list)


class CaseSchema(Schema):
    """What every application carries; the subclasses add what its right type needs."""

    title = Text(required=True, validate=_filled(500))
    filing_date = fields.Date(load_default=None, allow_none=True)
    applicants = _parties(required=True)
    representative = fields.Nested(PartySchema, load_default=None, allow_none=True)
    priority_claims = fields.List(fields.Nested(PriorityClaimSchema), load_default=list)
    details = fields.Dict(keys=fields.String(), load_default=None, allow_none=True)

    def __init__(self, *, today: date, **kwargs: Any):
        super().__init__(**kwargs)
        self.today = today

    @validates_schema
    def _dates(self, data: dict, **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        filing = data.get("filing_date") or self.today
        if filing > self.today:
            errors["filing_date"] = [f"{filing} is in the future; today is {self.today}."]
        claims: dict[int, Any] = {}
        for i, claim in enumerate(data.get("priority_claims") or ()):
            if claim["date"] > self.today:
                claims[i] = {"date": [f"{claim['date']} is in the future; a priority date is an earlier filing."]}
            elif claim["date"] > filing:
                claims[i] = {"date": [f"{claim['date']} is after the filing date {filing}."]}
        if claims:
            errors["priority_claims"] = claims
        if errors:
            raise ValidationError(errors)

    @post_load
    def _defaults(self, data: dict, **kwargs: Any) -> dict:
        data["filing_date"] = data.get("filing_date") or self.today
        return data


class TrademarkCaseSchema(CaseSchema):
    mark_kind = fields.String(load_default=MarkKind.INDIVIDUAL.value, validate=OneOf([k.value for k in MarkKind]))
    mark_type = fields.String(required=True, validate=OneOf([t.value for t in MarkType]))
    verbal_element = Text(load_default=None, allow_none=True, validate=Length(max=500))
    goods_services = fields.List(
        fields.Nested(GoodsServicesSchema),
        required=True,
        validate=Length(min=1, error="List the goods or services of at least one Nice class."),
    )

    @validates_schema
    def _classes_once(self, data: dict, **kwargs: Any) -> None:
        first: dict[int, int] = {}
        twice: dict[int, Any] = {}
        for i, item in enumerate(data.get("goods_services") or ()):
            n = item["nice_class"]
            if n in first:
                twice[i] = {"nice_class": [f"Class {n} is already item {first[n]}; put all its terms in one entry."]}
            first.setdefault(n, i)
        if twice:
            raise ValidationError({"goods_services": twice})

    @post_load
    def _word_mark(self, data: dict, **kwargs: Any) -> dict:
        if data["mark_type"] == MarkType.WORD and not data.get("verbal_element"):
            data["verbal_element"] = data["title"]  # a word mark is its verbal element
        return data


class PatentCaseSchema(CaseSchema):
    abstract = Text(load_default=None, allow_none=True)
    claims_total = fields.Integer(required=True, validate=Range(1, 9999, error="A patent application has from 1 to 9999 claims."))
    claims_independent = fields.Integer(required=True, validate=Range(1, 9999, error="From 1 to 9999 claims are independent."))
    pct_number = fields.String(
        load_default=None,
        allow_none=True,
        validate=Regexp(r"PCT/[A-Z]{2}\d{4}/\d{6}\Z", error="Write it like PCT/EP2025/012345."),
    )
    ipc_classes = fields.List(IpcSymbol(), load_default=list)
    inventors = _parties()

    @validates_schema
    def _claims_and_classes(self, data: dict, **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        total, independent = data.get("claims_total"), data.get("claims_independent")
        if total is not None and independent is not None and independent > total:
            errors["claims_independent"] = [f"{independent} independent claims, but only {total} claims in all."]
        seen: set[str] = set()
        for i, symbol in enumerate(data.get("ipc_classes") or ()):
            if symbol in seen:
                errors.setdefault("ipc_classes", {})[i] = [f"{symbol} is listed twice."]
            seen.add(symbol)
        if errors:
            raise ValidationError(errors)


class DesignCaseSchema(CaseSchema):
    locarno_class = fields.String(
        required=True, validate=Regexp(r"\d{2}-\d{2}\Z", error="Write the Locarno class and subclass like 08-05.")
    )
    deferment_requested = fields.Boolean(load_default=False)
    deferred_until = fields.Date(load_default=None, allow_none=True)
    designs = fields.List(
        fields.Nested(DesignItemSchema), required=True, validate=Length(min=1, error="Show at least one design.")
    )
    creators = _parties()

    @validates_schema
    def _deferment(self, data: dict, **kwargs: Any) -> None:
        until = data.get("deferred_until")
        if until is None:
            return
        if not data.get("deferment_requested"):
            raise ValidationError({"deferred_until": ["Only with a request to defer publication (deferment_requested)."]})
        filing = data.get("filing_date") or self.today
        if until <= filing:
            raise ValidationError({"deferred_until": [f"{until} is not after the filing date {filing}."]})


SCHEMAS: dict[str, type[CaseSchema]] = {
    RightType.TRADEMARK: TrademarkCaseSchema,
    RightType.PATENT: PatentCaseSchema,
    RightType.DESIGN: DesignCaseSchema,
}


def load_case(right_type: str, data: Mapping[str, Any], today: date) -> dict[str, Any]:
    """Clean application data for `right_type`, or InvalidInput naming each wrong field by its path."""
    schema = SCHEMAS.get(right_type)
    if schema is None:
        known = ", ".join(SCHEMAS)
        raise InvalidInput(f"unknown right type {right_type!r}", {"right_type": [f"Use one of {known}."]})
    if not isinstance(data, Mapping):
        raise InvalidInput(APPLICATION_HAS_ERRORS, {"_schema": ["Send the application as an object of fields."]})
    try:
        return schema(today=today).load(dict(data))
    except ValidationError as exc:
        raise InvalidInput(APPLICATION_HAS_ERRORS, field_paths(exc.messages)) from None


def field_paths(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {'applicants.0.country': [...]}."""
    if isinstance(messages, Mapping):
        out: dict[str, list[str]] = {}
        for key, value in messages.items():
            for path, texts in field_paths(value, f"{prefix}.{key}" if prefix else str(key)).items():
                out.setdefault(path, []).extend(texts)
        return out
    texts = messages if isinstance(messages, list) else [messages]
    return {prefix or "_schema": [str(t) for t in texts]}
