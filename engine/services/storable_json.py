"""What a client's JSON must be for the register to store it, whatever the field means: text
without NUL characters or lone surrogates (PostgreSQL and UTF-8 refuse them), whole numbers that
fit the register's 32-bit columns, finite numbers. The case schemas then judge the meaning."""

from __future__ import annotations

import math
from typing import Any

from engine.errors import InvalidInput

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
MAX_DEPTH = 32


def check_storable(data: Any, message: str) -> None:
    """InvalidInput(message) naming each value the register cannot store by its path."""
    errors: dict[str, list[str]] = {}
    _walk(data, "", errors, 0)
    if errors:
        raise InvalidInput(message, errors)


def _walk(value: Any, path: str, errors: dict[str, list[str]], depth: int) -> None:
    where = path or "_schema"
    if depth > MAX_DEPTH:
        errors.setdefault(where, []).append(f"Nested more than {MAX_DEPTH} levels deep; send flatter data.")
    elif isinstance(value, dict):
        for key, item in value.items():
            if _text_problem(key):
                errors.setdefault(where, []).append(f"A field name {_text_problem(key)}.")
                continue
            _walk(item, f"{path}.{key}" if path else str(key), errors, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, f"{path}.{i}" if path else str(i), errors, depth + 1)
    elif isinstance(value, str):
        if _text_problem(value):
            errors.setdefault(where, []).append(f"The text {_text_problem(value)}.")
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            errors.setdefault(where, []).append(f"{value} is too large for the register; whole numbers run up to {INT_MAX}.")
    elif isinstance(value, float) and not math.isfinite(value):
        errors.setdefault(where, []).append("Send a finite number.")


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character (\\u0000); remove it"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone UTF-16 surrogate; send valid Unicode text"
    return None
