"""Reads the validation rules, options and default of one form-js value component.

form-js keeps rules under `validate` (`required`, `min`, `max`, `minLength`, `maxLength`,
`pattern`, `validationType`), options under `values` and the default under `defaultValue`.
Every rule is checked here so that a bad form fails when it is loaded, not when a clerk
submits it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.forms.definition import CHOICE_TYPES, Field, Option

VALIDATION_TYPES = ("email", "phone", "custom")


class RuleReader:
    """Reads rules from `component`, reporting problems through `report(component, message)`."""

    def __init__(self, component: dict, report: Callable[[dict, str], None]):
        self._component = component
        self._report = report
        validate = component.get("validate", {})
        if not isinstance(validate, dict):
            self._problem("`validate` must be an object")
            validate = {}
        self._validate = validate

    def _problem(self, message: str) -> None:
        self._report(self._component, message)

    def flag(self, name: str) -> bool:
        """A boolean property such as `readonly`; FEEL expressions are refused."""
        value = self._component.get(name, False)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.startswith("="):
            self._problem(f"FEEL expressions are not supported in `{name}`; use true or false")
        else:
            self._problem(f"`{name}` must be true or false, not {value!r}")
        return False

    def required(self) -> bool:
        """`validate.required`, which must be a plain boolean."""
        value = self._validate.get("required", False)
        if not isinstance(value, bool):
            self._problem(f"validate.required must be true or false, not {value!r}")
            return False
        return value

    def options(self) -> tuple[Option, ...]:
        """The fixed `values` of a choice field; dynamic options are refused."""
        values = self._component.get("values")
        kind = self._component["type"]
        if not values:
            dynamic = [name for name in ("valuesKey", "valuesExpression") if self._component.get(name)]
            if dynamic:
                self._problem(f"dynamic options ({dynamic[0]}) are not supported; list the values in the form")
            else:
                self._problem(f"a {kind} needs `values` to choose from")
            return ()
        if not isinstance(values, list):
            self._problem("`values` must be a list of {label, value} objects")
            return ()
        options = tuple(option for option in map(self._option, values) if option is not None)
        seen = [option.value for option in options]
        for value in sorted({v for v in seen if seen.count(v) > 1}, key=str):
            self._problem(f"option value {value!r} is listed more than once")
        return options

    def _option(self, item: Any) -> Option | None:
        value = item.get("value") if isinstance(item, dict) else None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)) or value == "":
            self._problem(f"option {item!r} needs a non-empty text or number `value`")
            return None
        label = item.get("label")
        return Option(label=label if isinstance(label, str) and label else str(value), value=value)

    def number_rules(self) -> dict[str, Any]:
        """min / max / decimalDigits / increment of a number field."""
        low, high = self._number("min"), self._number("max")
        if low is not None and high is not None and low > high:
            self._problem(f"validate.min ({low}) is greater than validate.max ({high})")
        digits = self._component.get("decimalDigits")
        if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int) or digits < 0):
            self._problem(f"decimalDigits must be a whole number of 0 or more, not {digits!r}")
            digits = None
        return {
            "min": low,
            "max": high,
            "decimal_digits": digits,
            "increment": self._increment(),
        }

    def _number(self, name: str) -> int | float | None:
        value = self._validate.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str) and value.startswith("="):
            self._problem(f"FEEL expressions are not supported in validate.{name}; write a number")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self._problem(f"validate.{name} must be a number, not {value!r}")
            return None
        return value

    def _increment(self) -> int | float | None:
        # form-js writes the increment as a string ("0.5") or a number.
        value = self._component.get("increment")
        if value is None or value == "":
            return None
        try:
            step = Decimal(str(value))
        except InvalidOperation:
            step = Decimal(0)
        if isinstance(value, bool) or not step.is_finite() or step <= 0:
            self._problem(f"increment must be a positive number, not {value!r}")
            return None
        return int(step) if step == step.to_integral_value() else float(step)

    def text_rules(self) -> dict[str, Any]:
        """minLength / maxLength / pattern / validationType of a textfield or textarea."""
        rules: dict[str, Any] = {
            "min_length": self._length("minLength"),
            "max_length": self._length("maxLength"),
        }
        low, high = rules["min_length"], rules["max_length"]
        if low is not None and high is not None and low > high:
            self._problem(f"validate.minLength ({low}) is greater than validate.maxLength ({high})")
        rules["pattern"] = self._pattern()
        message = self._validate.get("patternMessage")
        rules["pattern_message"] = message if isinstance(message, str) and message else None
        kind = self._validate.get("validationType")
        if kind not in (None, "", *VALIDATION_TYPES):
            self._problem(f"validate.validationType {kind!r} is not one of {', '.join(VALIDATION_TYPES)}")
        rules["validation_type"] = kind if kind in ("email", "phone") else None
        return rules

    def _length(self, name: str) -> int | None:
        value = self._validate.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self._problem(f"validate.{name} must be a whole number of 0 or more, not {value!r}")
            return None
        return value

    def _pattern(self) -> str | None:
        pattern = self._validate.get("pattern")
        if pattern is None or pattern == "":
            return None
        if not isinstance(pattern, str):
            self._problem(f"validate.pattern must be text, not {pattern!r}")
            return None
        try:
            re.compile(pattern)
        except re.error as exc:
            self._problem(f"validate.pattern {pattern!r} is not a valid regular expression: {exc}")
            return None
        return pattern

    def with_default(self, field: Field, list_valued: bool) -> Field:
        """Attach `defaultValue`; a choice field's default must be one of its options."""
        default = self._component.get("defaultValue")
        if default is None:
            return field
        if list_valued:
            if not isinstance(default, list):
                self._problem(f"defaultValue of a {field.type} must be a list")
                return field
            default = tuple(default)
        if field.type in CHOICE_TYPES and field.options:
            allowed = [option.value for option in field.options]
            wrong = [v for v in (default if list_valued else (default,)) if v not in allowed]
            if wrong:
                self._problem(f"defaultValue {wrong[0]!r} is not one of the values")
                return field
        return dataclasses.replace(field, default=default)
