"""Turns what a browser posts for a task form back into the nested data `validate_submission` takes.

An HTML form posts flat text: one entry per named input, nothing at all for an unticked
checkbox, one entry per ticked box of a checklist, "" for an empty box. This module undoes
that using the form definition, so the same dict can be validated, saved as a draft, and shown
again in the form (see `form_fields.form_view`) when validation fails.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from werkzeug.datastructures import MultiDict

from engine.forms import Field, FormDefinition, Option
from engine.forms.definition import CHOICE_TYPES, LIST_TYPES, TEXT_TYPES
from engine.forms.fields import MAX_EXPONENT

# A field whose name is not in the post at all (as opposed to posted empty).
_NOT_POSTED = object()


def posted_values(form: FormDefinition, posted: MultiDict) -> dict[str, Any]:
    """Nested data for the value fields of `form`; other posted names (csrf_token, action) are ignored.

    Read-only fields are never taken from a post: their values belong to the process. A field
    left empty becomes None rather than being left out, because a missing key would bring back
    the field's `defaultValue` that the person has just cleared.
    """
    data: dict[str, Any] = {}
    for spec in form.value_fields():
        if spec.readonly:
            continue
        value = _value(spec, posted)
        if value is not _NOT_POSTED:
            _put(data, spec.key, value)
    return data


def _value(spec: Field, posted: MultiDict) -> Any:
    if spec.type in LIST_TYPES:
        return [_as_option_value(spec.options, item) for item in posted.getlist(spec.key) if item.strip()]
    if spec.type == "checkbox":
        # An unticked checkbox posts nothing at all.
        return spec.key in posted
    if spec.key not in posted:
        return _NOT_POSTED
    text = posted.get(spec.key, "")
    if spec.type in TEXT_TYPES:
        # Browsers post textarea line breaks as CRLF; counted as two characters they would
        # break the maxLength the person saw respected while typing.
        text = text.replace("\r\n", "\n")
    if not text.strip():
        return None
    if spec.type == "number":
        return _as_number(text)
    if spec.type in CHOICE_TYPES:
        return _as_option_value(spec.options, text)
    return text


def _as_number(text: str) -> int | float | str:
    """int or float when `text` is a number; else the text, so validation reports it on the field."""
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return text
    # Too large to convert safely (int("1e999999999") would take the process's memory): let the
    # engine's number check word the message.
    if not number.is_finite() or (number and abs(number.adjusted()) > MAX_EXPONENT):
        return text
    return int(number) if number == number.to_integral_value() else float(number)


def _as_option_value(options: tuple[Option, ...], text: str) -> Any:
    """The option's own value (a number stays a number); unknown text is kept for the error."""
    for option in options:
        if str(option.value) == text.strip():
            return option.value
    return text


def _put(data: dict[str, Any], key: str, value: Any) -> None:
    """Store `value` under dotted `key`, creating the nested dicts on the way."""
    *parents, last = key.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value
