"""The marshmallow schema of a form, and the check of what a person submits with it.

A schema has one field per value field of the form, named by its dotted data key. Input may
come flat (`{"applicant.name": ...}`, as an HTML form posts it) or nested
(`{"applicant": {"name": ...}}`, as form-js submits it); it is flattened before loading, and
marshmallow writes dotted names back as nested dicts, so task data always comes out nested.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError

from engine.errors import InvalidInput
from engine.forms.definition import LIST_TYPES, FormDefinition
from engine.forms.fields import field_for

FORM_HAS_ERRORS = "the form has errors"
_CACHE_LIMIT = 512
# source_hash -> schema class. Building a class per submission would be wasteful, and the
# hash covers the whole file, so an edited form gets a fresh schema.
_schema_classes: dict[str, type[Schema]] = {}


class SubmissionSchema(Schema):
    """Base of generated form schemas: unknown keys are errors, not silently dropped."""

    class Meta:
        unknown = RAISE


def build_schema(form: FormDefinition) -> Schema:
    """A schema instance for `form`; the class is built once per `form.source_hash`."""
    cls = _schema_classes.get(form.source_hash)
    if cls is None:
        # Read-only fields are left out: their values come from the process, not the person.
        fields = {spec.key: field_for(spec) for spec in form.value_fields() if not spec.readonly}
        cls = SubmissionSchema.from_dict(fields, name=f"FormSchema[{form.key}]")
        if len(_schema_classes) >= _CACHE_LIMIT:
            _schema_classes.clear()
        _schema_classes[form.source_hash] = cls
    return cls()


def validate_submission(form: FormDefinition, data: Mapping) -> dict[str, Any]:
    """Clean a submission of `form`, or raise `InvalidInput` naming each wrong field.

    Returns JSON-serialisable data: numbers as int/float, dates as ISO text, checkboxes as
    bool, checklists and taglists as lists, dotted keys nested. Values for read-only fields
    are ignored; keys the form does not have are refused.
    """
    if not isinstance(data, Mapping):
        raise InvalidInput(FORM_HAS_ERRORS, fields={"_form": ["Send the form's fields as an object."]})
    readonly = {spec.key for spec in form.value_fields() if spec.readonly}
    flat = {key: value for key, value in _flatten(form, data).items() if key not in readonly}
    try:
        return build_schema(form).load(flat)
    except ValidationError as exc:
        raise InvalidInput(FORM_HAS_ERRORS, fields=_messages(form, exc.messages)) from None


def _flatten(form: FormDefinition, data: Mapping) -> dict[str, Any]:
    """Dotted keys for nested input; every value of a list field when `data` is a MultiDict."""
    list_keys = {spec.key for spec in form.value_fields() if spec.type in LIST_TYPES}
    # werkzeug's MultiDict (request.form) returns only the first of repeated keys by item
    # access; a checklist posts one entry per ticked box, so read those with getlist.
    getlist = getattr(data, "getlist", None)
    flat: dict[str, Any] = {}
    for key, value in data.items():
        key = str(key)
        if callable(getlist) and key in list_keys:
            value = getlist(key)
        if isinstance(value, Mapping):
            flat.update({f"{key}.{inner}": item for inner, item in _flatten(form, value).items()})
        else:
            flat[key] = value
    return flat


def _messages(form: FormDefinition, errors: Any) -> dict[str, list[str]]:
    """marshmallow's error dict as {field key: [messages]}, unknown keys named in their message."""
    if not isinstance(errors, dict):
        return {"_form": [str(errors)]}
    known = {spec.key for spec in form.value_fields()}
    result: dict[str, list[str]] = {}
    for key, messages in errors.items():
        if key not in known and key != "_schema":
            result[key] = [f"This form has no field {key!r}."]
        else:
            result[key] = [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]
    return result
