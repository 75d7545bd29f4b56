"""marshmallow fields that clean what a person typed into one form-js field.

Each field owns the whole decision for its value, including "missing" and "blank", because
web forms post blanks as "" and leave unticked checkboxes out entirely. Rules:

- missing or blank and required -> "Required." (a required checkbox must be ticked, as in form-js);
- missing and optional -> the field's `defaultValue`, else its empty value;
- blank and optional -> the empty value: "" for text, False for a checkbox, [] for lists, else None.

All messages are sentences a clerk can act on; the cleaned values are JSON-serialisable.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, missing

from engine.forms.definition import Field

REQUIRED = "Required."


def number_text(value: float | Decimal) -> str:
    """45 rather than 45.0 in messages."""
    return str(int(value)) if value == int(value) else str(value)


class FormValue(fields.Field):
    """Base class: handles missing / blank / required, then calls `clean` on a real value."""

    empty: Any = None

    def __init__(self, spec: Field):
        super().__init__(required=spec.required, metadata={"label": spec.label})
        self.spec = spec

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        """Clean one submitted value (or `missing`); raise ValidationError with messages."""
        present = value is not missing
        if not present or self.is_blank(value):
            return self.when_empty(present)
        problems: list[str] = []
        cleaned = self.clean(value, problems)
        if problems:
            raise ValidationError(problems)
        return cleaned

    def is_blank(self, value: Any) -> bool:
        """Whether the person left the field empty."""
        return value is None or (isinstance(value, str) and not value.strip())

    def when_empty(self, present: bool) -> Any:
        """The value of an empty field; `present` is False when the key was not sent."""
        if self.spec.required:
            raise ValidationError(REQUIRED)
        if not present and self.spec.default is not None:
            return self.deserialize(thaw(self.spec.default))
        return thaw(self.empty)

    def clean(self, value: Any, problems: list[str]) -> Any:
        """Convert a non-empty value, appending a message to `problems` for each rule broken."""
        raise NotImplementedError


def thaw(value: Any) -> Any:
    """Model defaults are tuples (the model is frozen); task data wants lists."""
    return list(value) if isinstance(value, tuple) else value
