"""User-task forms as data: the bpmn.io form-js JSON files, parsed into a strict, frozen model.

A form file is what @bpmn-io/form-js writes::

    {"type": "default", "id": "Form_1", "schemaVersion": 16, "components": [...]}

`parse_form` turns one file into a `FormDefinition` or refuses it with a `LibraryInvalid`
listing every problem found (file, line, component key or id, message), so an analyst
fixes a broken form in one pass.

Data keys. A field's `key` here is the path its value takes in the submitted data, written
with dots: form-js binds `"key": "applicant.name"` to `{"applicant": {"name": ...}}`, and a
group with `"path": "applicant"` prefixes the keys of the fields inside it the same way.
A group without a path is only visual: its fields sit at the level of the group.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from engine.errors import LibraryInvalid, Problem

# Components that carry a value a person submits.
VALUE_TYPES = frozenset(
    {
        "textfield",
        "textarea",
        "number",
        "checkbox",
        "checklist",
        "radio",
        "select",
        "datetime",
        "taglist",
    }
)
# Value components whose values come from a fixed list of options.
CHOICE_TYPES = frozenset({"select", "radio", "checklist", "taglist"})
# Value components that hold a list of option values.
LIST_TYPES = frozenset({"checklist", "taglist"})
TEXT_TYPES = frozenset({"textfield", "textarea"})
# Layout components kept in the model (a renderer needs them) but carrying no value.
LAYOUT_TYPES = frozenset({"group", "text"})
# Components that neither carry a value nor matter to the engine.
IGNORED_TYPES = frozenset({"separator", "spacer", "button", "html", "image"})
DATETIME_SUBTYPES = ("date", "datetime", "time")


@dataclass(frozen=True)
class Option:
    """One choice of a select, radio, checklist or taglist."""

    label: str
    value: str | int | float


@dataclass(frozen=True, kw_only=True)
class Field:
    """One form component that matters to the engine: a value field, a group or static text.

    `key` is the dotted data key (group path included); it is "" for static text and for a
    group without a path. `readonly` is also set for form-js `disabled` fields: neither is
    taken from a submission.
    """

    key: str
    type: str
    label: str = ""
    required: bool = False
    description: str = ""
    options: tuple[Option, ...] = ()
    min: int | float | None = None
    max: int | float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    # ipflow extension (form-js has no such property): the message shown when `pattern` fails.
    pattern_message: str | None = None
    # "email" or "phone", from form-js `validate.validationType` ("custom" means pattern only).
    validation_type: str | None = None
    decimal_digits: int | None = None
    increment: int | float | None = None
    default: Any = None  # lists are stored as tuples so the model stays immutable
    readonly: bool = False
    subtype: str | None = None
    children: tuple[Field, ...] = ()
    text: str | None = None
    id: str = ""

    @property
    def has_value(self) -> bool:
        """True when a person submits a value for this field."""
        return self.type in VALUE_TYPES


@dataclass(frozen=True)
class FormDefinition:
    """One parsed form file; `source_hash` is the SHA-256 of the file's bytes."""

    key: str
    id: str
    title: str
    fields: tuple[Field, ...] = field(default=())
    source_hash: str = ""

    def value_fields(self) -> tuple[Field, ...]:
        """Every field that carries a value, groups flattened, in document order."""
        return tuple(_walk_values(self.fields))


def _walk_values(fields: tuple[Field, ...]) -> Iterator[Field]:
    for item in fields:
        if item.type == "group":
            yield from _walk_values(item.children)
        elif item.has_value:
            yield item


def parse_form(key: str, raw: bytes | str, file_name: str) -> FormDefinition:
    """Parse one form-js file into a `FormDefinition`.

    Raises `LibraryInvalid` with one `Problem(file_name, line, component key or id, message)`
    per finding: malformed JSON, missing `components`, unknown component types, duplicate
    keys, choice fields without values, invalid patterns and the like.
    """
    # Imported here because the component parser needs the dataclasses defined above.
    from engine.forms.components import ComponentParser

    data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    text, document = _load_json(data, file_name)
    parser = ComponentParser(file_name, text)
    fields = parser.parse_form_components(document.get("components"))
    if parser.problems:
        raise LibraryInvalid(parser.problems)
    form_id = document.get("id")
    return FormDefinition(
        key=key,
        id=form_id if isinstance(form_id, str) and form_id else key,
        title=_title(fields, key),
        fields=fields,
        source_hash=hashlib.sha256(data).hexdigest(),
    )


def _load_json(data: bytes, file_name: str) -> tuple[str, dict]:
    """Decode and parse the file; refuse anything that is not a JSON object."""
    try:
        # utf-8-sig: editors on Windows like to prepend a byte-order mark.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LibraryInvalid([Problem(file_name, 0, "", f"not UTF-8 text: {exc.reason}")]) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"malformed JSON: {exc.msg} (column {exc.colno})"
        raise LibraryInvalid([Problem(file_name, exc.lineno, "", message)]) from None
    if not isinstance(document, dict):
        raise LibraryInvalid([Problem(file_name, 1, "", "a form must be a JSON object")])
    return text, document


def _title(fields: tuple[Field, ...], key: str) -> str:
    """form-js has no title property: use the first markdown heading of a static text, else the key."""
    for item in fields:
        if item.type == "text" and item.text:
            first = item.text.strip().splitlines()[0] if item.text.strip() else ""
            if first.startswith("#"):
                return first.lstrip("#").strip() or key
    return key
