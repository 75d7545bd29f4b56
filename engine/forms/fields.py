"""marshmallow fields for text, number, checkbox and date values (see `fieldbase` for the rules)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from engine.forms.choices import ChoiceValue, MultiChoiceValue
from engine.forms.definition import Field
from engine.forms.fieldbase import REQUIRED, FormValue, number_text

EMAIL = re.compile(r"^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$")
# E.164: a plus sign and 7 to 15 digits; spaces, dots, dashes and brackets are allowed between.
PHONE = re.compile(r"^\+[1-9][0-9]{6,14}$")
PHONE_NOISE = re.compile(r"[\s().-]")
MAX_EXPONENT = 30
TOO_MANY_DIGITS = f"Use at most {MAX_EXPONENT} digits before or after the decimal point."
TRUE_WORDS = frozenset({"on", "true", "1", "yes"})
FALSE_WORDS = frozenset({"off", "false", "0", "no"})
# re.ASCII: \d would otherwise also match digits of other scripts, which fromisoformat refuses.
DATE_FORMATS = {
    "date": (
        re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII),
        dt.date,
        "Use the date format YYYY-MM-DD.",
    ),
    "datetime": (
        re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?$", re.ASCII),
        dt.datetime,
        "Use the date and time format YYYY-MM-DDTHH:MM.",
    ),
    "time": (
        re.compile(r"^\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?$", re.ASCII),
        dt.time,
        "Use the time format HH:MM.",
    ),
}


class TextValue(FormValue):
    """textfield / textarea: surrounding whitespace is dropped, the rest is kept as typed."""

    empty = ""

    def clean(self, value: Any, problems: list[str]) -> Any:
        if not isinstance(value, str):
            problems.append("Must be text.")
            return None
        text, spec = value.strip(), self.spec
        if spec.min_length is not None and len(text) < spec.min_length:
            problems.append(f"Must be at least {spec.min_length} characters.")
        if spec.max_length is not None and len(text) > spec.max_length:
            problems.append(f"Must be at most {spec.max_length} characters.")
        # form-js tests patterns with RegExp.test, i.e. a search: anchors are the author's job.
        if spec.pattern and not re.search(spec.pattern, text):
            problems.append(spec.pattern_message or f"Must match the pattern {spec.pattern}")
        if spec.validation_type == "email" and not EMAIL.match(text):
            problems.append("Must be an e-mail address such as name@example.org.")
        if spec.validation_type == "phone" and not PHONE.match(PHONE_NOISE.sub("", text)):
            problems.append("Must be an international phone number such as +4930664040900.")
        return text


class NumberValue(FormValue):
    """number: int when the value is whole, else float; "3" from a web form is accepted."""

    def clean(self, value: Any, problems: list[str]) -> Any:
        number = _decimal(value)
        if number is None:
            problems.append("Must be a number.")
            return None
        if number and abs(number.adjusted()) > MAX_EXPONENT:
            # Refused before any arithmetic: int() of "1e999999999" would eat the worker's memory.
            problems.append(self._range_problem(number) or TOO_MANY_DIGITS)
            return None
        spec = self.spec
        places = max(0, -number.normalize().as_tuple().exponent)
        if spec.decimal_digits == 0 and places:
            problems.append("Must be a whole number.")
        elif spec.decimal_digits is not None and places > spec.decimal_digits:
            problems.append(f"Use at most {spec.decimal_digits} decimal places.")
        # Fractions are exact, so 0.15 is a multiple of 0.05 (as floats it is not).
        if spec.increment is not None and Fraction(number) % Fraction(str(spec.increment)):
            problems.append(f"Must be a multiple of {number_text(spec.increment)}.")
        range_problem = self._range_problem(number)
        if range_problem:
            problems.append(range_problem)
        return int(number) if number == number.to_integral_value() else float(number)

    def _range_problem(self, number: Decimal) -> str | None:
        spec = self.spec
        if spec.min is not None and number < Decimal(str(spec.min)):
            return f"Must be at least {number_text(spec.min)}."
        if spec.max is not None and number > Decimal(str(spec.max)):
            return f"Must be at most {number_text(spec.max)}."
        return None


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        # str() of a float is its shortest repr, so 0.1 stays 0.1 rather than 0.1000000000000000055.
        number = Decimal(value.strip() if isinstance(value, str) else str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class CheckboxValue(FormValue):
    """checkbox: True / False; web forms post "on" when ticked and nothing when not."""

    empty = False

    def clean(self, value: Any, problems: list[str]) -> Any:
        if isinstance(value, bool):
            ticked = value
        elif isinstance(value, int) and value in (0, 1):
            ticked = bool(value)
        elif isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            ticked = value.strip().lower() in TRUE_WORDS
        else:
            problems.append("Must be true or false.")
            return None
        if self.spec.required and not ticked:
            problems.append(REQUIRED)
        return ticked


class DateValue(FormValue):
    """datetime: the ISO text form-js produces ('YYYY-MM-DD' for the date subtype)."""

    def clean(self, value: Any, problems: list[str]) -> Any:
        shape, kind, message = DATE_FORMATS[self.spec.subtype or "date"]
        # date/time objects from Python callers are written out as ISO text. A datetime is also
        # a date, hence the exact type check.
        if isinstance(value, (dt.date, dt.time)):
            if type(value) is kind:
                return value.isoformat()
            problems.append(message)
            return None
        text = value.strip() if isinstance(value, str) else ""
        try:
            if shape.match(text):
                kind.fromisoformat(text)
                return text
        except ValueError:
            pass
        problems.append(message)
        return None


CLASSES = {
    "textfield": TextValue,
    "textarea": TextValue,
    "number": NumberValue,
    "checkbox": CheckboxValue,
    "select": ChoiceValue,
    "radio": ChoiceValue,
    "checklist": MultiChoiceValue,
    "taglist": MultiChoiceValue,
    "datetime": DateValue,
}


def field_for(spec: Field) -> FormValue:
    """The marshmallow field that cleans values of `spec`."""
    return CLASSES[spec.type](spec)
