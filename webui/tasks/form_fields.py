"""What the task page's form template renders: one frozen `FieldView` per form component.

The template (`tasks/_form_fields.html`) only prints these; every decision about ids,
attributes, which option is selected and which text is shown is taken here, where it can be
tested without HTML. Values are shown as the person typed them: on a failed submit the view
passes the posted values (see `posted_data.posted_values`), not the cleaned ones, so a wrong
number stays in its box next to its message.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from markupsafe import Markup

from engine.domain.markdown_text import render_markdown
from engine.forms import Field, FormDefinition
from engine.forms.fields import TRUE_WORDS

# <input type> per datetime subtype; what these inputs post is what the engine's DateValue reads.
DATE_INPUTS = {"date": "date", "datetime": "datetime-local", "time": "time"}
_ABSENT = object()


@dataclass(frozen=True)
class OptionView:
    """One radio button, checkbox of a checklist, or <option>; `value` is the text posted."""

    id: str
    label: str
    value: str
    selected: bool


@dataclass(frozen=True, kw_only=True)
class FieldView:
    """One component as the template needs it; `name` is the dotted data key ("" for layout)."""

    type: str
    id: str
    name: str = ""
    label: str = ""
    description: str = ""
    required: bool = False
    readonly: bool = False
    input_type: str = ""
    value: str = ""
    checked: bool = False
    options: tuple[OptionView, ...] = ()
    errors: tuple[str, ...] = ()
    min: str | None = None
    max: str | None = None
    step: str | None = None
    minlength: int | None = None
    maxlength: int | None = None
    pattern: str | None = None
    pattern_title: str | None = None
    html: Markup | None = None
    children: tuple[FieldView, ...] = ()

    @property
    def has_selection(self) -> bool:
        """Whether one of the options is chosen (a select then needs no empty option)."""
        return any(option.selected for option in self.options)

    @property
    def help_id(self) -> str:
        return f"{self.id}-help"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def described_by(self) -> str:
        """The ids for `aria-describedby`: help text first, then the error message."""
        ids = [self.help_id] if self.description else []
        return " ".join(ids + ([self.error_id] if self.errors else []))


def form_view(
    form: FormDefinition,
    values: Mapping | None,
    errors: Mapping[str, list[str]] | None,
) -> tuple[FieldView, ...]:
    """The components of `form` filled from `values` (nested dicts) with `errors` by dotted key."""
    return _views(form.fields, values or {}, errors or {}, counter=itertools.count(1))


def unplaced_errors(form: FormDefinition, errors: Mapping[str, list[str]] | None) -> tuple[str, ...]:
    """Messages that belong to no field of the form (e.g. "_form"), to show above it."""
    keys = {spec.key for spec in form.value_fields()}
    return tuple(message for key, messages in (errors or {}).items() if key not in keys for message in messages)


def _views(fields: tuple[Field, ...], values: Mapping, errors: Mapping, counter: Iterator[int]) -> tuple[FieldView, ...]:
    return tuple(_view(spec, values, errors, counter) for spec in fields)


def _view(spec: Field, values: Mapping, errors: Mapping, counter: Iterator[int]) -> FieldView:
    # Layout components have no key; a running number keeps their ids unique on the page.
    number = next(counter)
    if spec.type == "text":
        # render_markdown escapes raw HTML; the form's "# Title" sits under the page's own headings.
        html = Markup(render_markdown(spec.text or "", heading_offset=2))
        return FieldView(type="text", id=f"text-{spec.id or number}", html=html)
    if spec.type == "group":
        return FieldView(
            type="group",
            id=f"group-{spec.key or spec.id or number}",
            label=spec.label,
            children=_views(spec.children, values, errors, counter),
        )
    value = _lookup(values, spec.key)
    if value is _ABSENT:
        value = spec.default
    html_id = f"field-{spec.key}"
    return FieldView(
        type=spec.type,
        id=html_id,
        name=spec.key,
        label=spec.label or spec.key,
        description=spec.description,
        required=spec.required,
        readonly=spec.readonly,
        input_type=_input_type(spec, value),
        value=_shown(value) if spec.type not in ("checkbox", "checklist", "taglist") else "",
        checked=spec.type == "checkbox" and _ticked(value),
        options=_options(spec, value, html_id),
        errors=tuple(str(message) for message in errors.get(spec.key, ())),
        **_attributes(spec),
    )


def _lookup(values: Mapping, key: str) -> Any:
    """The value at dotted `key` in nested dicts (a flat "a.b" key is also accepted)."""
    if key in values:
        return values[key]
    current: Any = values
    for part in key.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return _ABSENT
        current = current[part]
    return current


def _shown(value: Any) -> str:
    """The text an input shows: "" for nothing, numbers without a trailing ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _ticked(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in TRUE_WORDS)


def _options(spec: Field, value: Any, html_id: str) -> tuple[OptionView, ...]:
    if isinstance(value, (list, tuple)):
        chosen = {_shown(item) for item in value}
    else:
        chosen = {_shown(value)} if value not in (None, "") else set()
    return tuple(
        OptionView(id=f"{html_id}-{index}", label=option.label, value=str(option.value), selected=str(option.value) in chosen)
        for index, option in enumerate(spec.options)
    )


def _input_type(spec: Field, value: Any) -> str:
    if spec.type == "datetime":
        return DATE_INPUTS.get(spec.subtype or "date", "date")
    if spec.type == "number":
        # A browser blanks a type=number box holding text; keep "12x" visible next to its message.
        return "number" if _is_number(value) else "text"
    return "text"


def _is_number(value: Any) -> bool:
    if not isinstance(value, str):
        return not isinstance(value, bool)
    try:
        return not value.strip() or Decimal(value.strip()).is_finite()
    except InvalidOperation:
        return False


def _attributes(spec: Field) -> dict[str, Any]:
    """Browser-side hints matching the engine's rules; the engine still checks every value."""
    if spec.type == "number":
        return {"min": _optional(spec.min), "max": _optional(spec.max), "step": _step(spec)}
    if spec.type not in ("textfield", "textarea"):
        return {}
    # form-js (and the engine) *search* for the pattern, while the HTML attribute must match the
    # whole value: wrap it so both accept the same text.
    pattern = f"[\\s\\S]*(?:{spec.pattern})[\\s\\S]*" if spec.pattern and spec.type == "textfield" else None
    return {
        "minlength": spec.min_length,
        "maxlength": spec.max_length,
        "pattern": pattern,
        "pattern_title": spec.pattern_message if pattern else None,
    }


def _optional(value: int | float | None) -> str | None:
    return None if value is None else _shown(value)


def _step(spec: Field) -> str:
    # Without a step attribute a browser refuses decimals, which the engine accepts: "any".
    if spec.increment is not None:
        step = Fraction(str(spec.increment))
    elif spec.decimal_digits is not None:
        step = Fraction(1, 10**spec.decimal_digits)
    else:
        return "any"
    # Browsers count steps from `min`, the engine from zero; "any" when those disagree.
    if spec.min is not None and Fraction(str(spec.min)) % step:
        return "any"
    return _shown(spec.increment if spec.increment is not None else float(step))
