"""Checks on text an API client sends, shared by the request schemas: no control characters
(PostgreSQL refuses NUL in text and JSON), identifiers in the shape the library uses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, validate

# Anchored for the spec's JSON-Schema pattern too (ECMA regex: no \Z, and \w is ASCII there).
ELEMENT_ID = validate.Regexp(r"^[A-Za-z_][A-Za-z0-9_.-]{0,254}$", error="Give a BPMN element id, e.g. examination.")
PROCESS_ID = r"[A-Za-z_][A-Za-z0-9_.-]{0,254}"


def plain_text(value: str) -> None:
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in value):
        raise ValidationError("Use plain text without control characters.")


def without_nul(value: Any) -> None:
    """Anywhere inside a JSON value: no NUL character (it cannot be stored)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationError("Text cannot contain the NUL character.")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            without_nul(key)
            without_nul(item)
    elif isinstance(value, list | tuple):
        for item in value:
            without_nul(item)
