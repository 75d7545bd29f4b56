"""marshmallow fields for select, radio, checklist and taglist: values from a fixed list."""

from __future__ import annotations

from typing import Any

from engine.forms.definition import Field
from engine.forms.fieldbase import FormValue


class ChoiceValue(FormValue):
    """select / radio: one of the option values, returned as the option defines it."""

    def clean(self, value: Any, problems: list[str]) -> Any:
        option = match_option(self.spec, value)
        if option is None:
            problems.append(not_a_choice(self.spec))
        return option


class MultiChoiceValue(FormValue):
    """checklist / taglist: a list of option values, duplicates dropped, order kept."""

    empty = ()

    def is_blank(self, value: Any) -> bool:
        """An empty list is as empty as an empty string."""
        return super().is_blank(value) or (isinstance(value, (list, tuple)) and not value)

    def clean(self, value: Any, problems: list[str]) -> Any:
        # A web form with one box ticked posts a single string rather than a list.
        items = [value] if isinstance(value, (str, int, float)) else value
        if not isinstance(items, (list, tuple)):
            problems.append("Must be a list of choices.")
            return None
        chosen = [match_option(self.spec, item) for item in items]
        if any(option is None for option in chosen):
            problems.append(not_a_choice(self.spec))
        return list(dict.fromkeys(option for option in chosen if option is not None))


def match_option(spec: Field, value: Any) -> Any:
    """The option value equal to `value`, also when a web form posted a number as text."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    for option in spec.options:
        if value == option.value:
            return option.value
    for option in spec.options:
        if isinstance(value, str) and value.strip() == str(option.value):
            return option.value
    return None


def not_a_choice(spec: Field) -> str:
    """The message listing the values a person may choose from."""
    return f"Not one of the choices: {', '.join(str(option.value) for option in spec.options)}."
