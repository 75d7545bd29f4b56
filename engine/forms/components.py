"""Turns the `components` of a form-js file into `Field`s, collecting every problem on the way."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from engine.errors import Problem
from engine.forms.definition import (
    CHOICE_TYPES,
    DATETIME_SUBTYPES,
    IGNORED_TYPES,
    LIST_TYPES,
    TEXT_TYPES,
    VALUE_TYPES,
    Field,
)
from engine.forms.rules import RuleReader

SUPPORTED = sorted(VALUE_TYPES | IGNORED_TYPES | {"group", "text"})


class ComponentParser:
    """Walks the component tree once; `problems` holds what was wrong when it is done."""

    def __init__(self, file_name: str, text: str):
        self.file_name = file_name
        self.problems: list[Problem] = []
        self._text = text
        # Line lookup: the n-th component with a given key/id is the n-th time that
        # `"key": "..."` appears in the text, because JSON keeps document order.
        self._occurrences: Counter[tuple[str, str]] = Counter()
        self._anchor: dict[int, tuple[str, str, int]] = {}
        self._keyed: list[tuple[str, dict]] = []

    def parse_form_components(self, components: Any) -> tuple[Field, ...]:
        """Parse the top-level `components` list and check keys across the whole form."""
        if not isinstance(components, list):
            self.problems.append(
                Problem(
                    self.file_name,
                    0,
                    "",
                    "missing components: the form has no `components` list",
                )
            )
            return ()
        fields = self._parse_list(components, prefix="", where="components")
        self._check_keys()
        return fields

    def report(self, component: dict, message: str) -> None:
        """Record a problem against a component, with the line where its key or id is written."""
        self.problems.append(Problem(self.file_name, self._line(component), _name(component), message))

    # -- walking -----------------------------------------------------------------------

    def _parse_list(self, components: list, prefix: str, where: str) -> tuple[Field, ...]:
        parsed = (self._parse_one(item, prefix, f"{where}[{i}]") for i, item in enumerate(components))
        return tuple(item for item in parsed if item is not None)

    def _parse_one(self, component: Any, prefix: str, where: str) -> Field | None:
        if not isinstance(component, dict):
            self.problems.append(Problem(self.file_name, 0, where, "a component must be a JSON object"))
            return None
        self._remember_position(component)
        kind = component.get("type")
        if kind in IGNORED_TYPES:
            return None
        if kind is None:
            self.report(component, "component has no `type`")
            return None
        if kind not in VALUE_TYPES and kind not in ("group", "text"):
            self.report(
                component,
                f"unknown component type {kind!r}; supported: {', '.join(SUPPORTED)}",
            )
            return None
        self._check_conditional(component)
        if kind == "group":
            return self._group(component, prefix, where)
        if kind == "text":
            return self._static_text(component)
        return self._value_field(component, prefix)

    def _group(self, component: dict, prefix: str, where: str) -> Field:
        path = component.get("path")
        if path in (None, ""):
            inner = prefix
        elif isinstance(path, str) and _is_dotted_path(path):
            inner = f"{prefix}{path}."
        else:
            self.report(
                component,
                f"group path {path!r} must be a dotted name without empty parts",
            )
            inner = prefix
        children = component.get("components", [])
        if not isinstance(children, list):
            self.report(component, "group `components` must be a list")
            children = []
        return Field(
            key=inner.rstrip("."),
            type="group",
            label=_text(component.get("label")),
            children=self._parse_list(children, inner, f"{where}.components"),
            id=_text(component.get("id")),
        )

    def _static_text(self, component: dict) -> Field:
        text = component.get("text", "")
        if not isinstance(text, str):
            self.report(component, "static text `text` must be a string")
            text = ""
        return Field(key="", type="text", text=text, id=_text(component.get("id")))

    def _value_field(self, component: dict, prefix: str) -> Field | None:
        key = component.get("key")
        if not isinstance(key, str) or not key.strip():
            self.report(component, f"a {component['type']} needs a `key` naming its value")
            return None
        if not _is_dotted_path(key):
            self.report(
                component,
                f"key {key!r} must be a dotted name without empty parts or spaces",
            )
            return None
        rules = RuleReader(component, self.report)
        kind = component["type"]
        readonly = rules.flag("readonly") | rules.flag("disabled")
        field = Field(
            key=prefix + key,
            type=kind,
            label=_label(component),
            required=rules.required(),
            description=_text(component.get("description")),
            options=rules.options() if kind in CHOICE_TYPES else (),
            readonly=readonly,
            subtype=self._subtype(component) if kind == "datetime" else None,
            id=_text(component.get("id")),
            **(rules.number_rules() if kind == "number" else {}),
            **(rules.text_rules() if kind in TEXT_TYPES else {}),
        )
        field = rules.with_default(field, list_valued=kind in LIST_TYPES)
        self._keyed.append((field.key, component))
        return field

    def _subtype(self, component: dict) -> str:
        # form-js's editor always writes a subtype; "date" is what it creates by default.
        subtype = component.get("subtype", "date")
        if subtype not in DATETIME_SUBTYPES:
            self.report(
                component,
                f"datetime subtype {subtype!r} is not one of {', '.join(DATETIME_SUBTYPES)}",
            )
            return "date"
        return subtype

    def _check_conditional(self, component: dict) -> None:
        # Hiding depends on FEEL the engine does not evaluate; guessing would either demand
        # hidden required fields or accept a hidden field's stale value. Refuse it instead.
        conditional = component.get("conditional")
        if isinstance(conditional, dict) and conditional.get("hide"):
            self.report(component, "conditional visibility (conditional.hide) is not supported")

    # -- whole-form checks ---------------------------------------------------------------

    def _check_keys(self) -> None:
        """Refuse duplicate keys, and a key that is also the parent path of another key."""
        first: dict[str, dict] = {}
        for key, component in self._keyed:
            if key in first:
                line = self._line(first[key])
                self.report(component, f"duplicate key {key!r} (first used on line {line})")
            else:
                first[key] = component
        for key, component in first.items():
            parts = key.split(".")
            for end in range(1, len(parts)):
                parent = ".".join(parts[:end])
                if parent in first:
                    self.report(
                        component,
                        f"key {key!r} nests under {parent!r}, which is a field itself",
                    )

    # -- positions -------------------------------------------------------------------------

    def _remember_position(self, component: dict) -> None:
        for attr in ("key", "id"):
            value = component.get(attr)
            if isinstance(value, str) and value:
                nth = self._occurrences[(attr, value)]
                self._occurrences[(attr, value)] += 1
                self._anchor[id(component)] = (attr, value, nth)
                return

    def _line(self, component: dict) -> int:
        """The line where the component's key (or id) is written; 0 when it cannot be found."""
        anchor = self._anchor.get(id(component))
        if anchor is None:
            return 0
        attr, value, nth = anchor
        needle = re.escape(json.dumps(attr)) + r"\s*:\s*" + re.escape(json.dumps(value, ensure_ascii=False))
        matches = list(re.finditer(needle, self._text))
        if nth >= len(matches):
            return 0
        return self._text.count("\n", 0, matches[nth].start()) + 1


def _name(component: dict) -> str:
    for attr in ("key", "id"):
        value = component.get(attr)
        if isinstance(value, str) and value:
            return value
    return f"<{component.get('type', 'component')}>"


def _label(component: dict) -> str:
    # A datetime has no `label`; form-js shows `dateLabel` / `timeLabel` instead.
    for attr in ("label", "dateLabel", "timeLabel"):
        value = component.get(attr)
        if isinstance(value, str) and value:
            return value
    return ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _is_dotted_path(key: str) -> bool:
    return all(part and part == part.strip() and " " not in part for part in key.split("."))
