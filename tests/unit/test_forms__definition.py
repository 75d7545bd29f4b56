"""Form definitions: parsing form-js files, refusing broken ones, loading a folder of them."""

from __future__ import annotations

import hashlib
import json
import pathlib

import pytest

from engine.errors import LibraryInvalid, Problem
from engine.forms import Field, Option, form_key, load_forms, parse_form

DATA = pathlib.Path(__file__).parent / "data" / "forms"
GOOD = DATA / "good"
BROKEN = DATA / "broken"


def form_json(*components: dict) -> str:
    """A minimal form-js document around `components`, one component per line."""
    lines = ",\n".join("    " + json.dumps(c) for c in components)
    return '{\n  "type": "default",\n  "id": "Form_t",\n  "components": [\n' + lines + "\n  ]\n}\n"


def problems_of(raw: str | bytes, file_name: str = "t.form.json") -> list[Problem]:
    with pytest.raises(LibraryInvalid) as caught:
        parse_form("t", raw, file_name)
    return caught.value.problems


def only_problem(raw: str | bytes) -> Problem:
    found = problems_of(raw)
    assert len(found) == 1, found
    return found[0]


def by_key(fields: tuple[Field, ...]) -> dict[str, Field]:
    return {f.key: f for f in fields}


# -- the example forms ------------------------------------------------------------------


@pytest.fixture(scope="module")
def reception():
    path = GOOD / "trademark" / "reception.form.json"
    return parse_form("trademark/reception", path.read_bytes(), "reception.form.json")


@pytest.fixture(scope="module")
def review():
    path = GOOD / "demo" / "review.form.json"
    return parse_form("demo/review", path.read_text(encoding="utf-8"), "review.form.json")


def test_reception_form_identity(reception):
    assert reception.key == "trademark/reception"
    assert reception.id == "Form_trademark_reception"
    assert reception.title == "Trademark application reception"
    raw = (GOOD / "trademark" / "reception.form.json").read_bytes()
    assert reception.source_hash == hashlib.sha256(raw).hexdigest()


def test_reception_layout_keeps_text_and_group_drops_separator(reception):
    assert [f.type for f in reception.fields] == [
        "text",
        "textfield",
        "select",
        "textfield",
        "number",
        "radio",
        "textarea",
        "datetime",
        "checkbox",
        "checklist",
        "group",
    ]
    intro, group = reception.fields[0], reception.fields[-1]
    assert intro.key == "" and intro.id == "Text_intro"
    assert intro.text.startswith("# Trademark application reception")
    assert group.key == "" and group.label == "Representative"
    assert [c.key for c in group.children] == [
        "representative_name",
        "representative_number",
    ]


def test_reception_value_fields_flatten_the_group(reception):
    assert [f.key for f in reception.value_fields()] == [
        "applicant_name",
        "country",
        "email",
        "number_of_classes",
        "mark_type",
        "goods_and_services",
        "filing_date",
        "documents_complete",
        "missing_items",
        "representative_name",
        "representative_number",
    ]


def test_reception_rules_are_read(reception):
    fields = by_key(reception.value_fields())
    name = fields["applicant_name"]
    assert (name.required, name.max_length, name.label) == (True, 200, "Applicant name")
    assert fields["country"].options[1] == Option(label="Germany", value="DE")
    assert [o.value for o in fields["country"].options] == [
        "AT",
        "DE",
        "FR",
        "CH",
        "EM",
    ]
    classes = fields["number_of_classes"]
    assert (classes.min, classes.max, classes.decimal_digits) == (1, 45, 0)
    assert fields["email"].pattern == r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$"
    assert fields["email"].description == "Where office letters are sent"
    assert fields["mark_type"].default == "word"
    date = fields["filing_date"]
    assert (date.subtype, date.label, date.required) == ("date", "Filing date", True)
    assert fields["documents_complete"].required is False
    assert fields["representative_number"].pattern_message.startswith("Use the 4 to 8 digit ID")


def test_review_group_path_and_dotted_keys(review):
    fields = by_key(review.value_fields())
    assert list(fields) == [
        "case_number",
        "examiner.name",
        "examiner.phone",
        "fee.amount",
        "hearing_at",
        "deadline_time",
        "tags",
        "outcome",
        "confirmed",
    ]
    group = review.fields[1]
    assert (group.type, group.key) == ("group", "examiner")
    assert fields["examiner.phone"].validation_type == "phone"
    assert fields["case_number"].readonly is True
    assert fields["fee.amount"].increment == 0.05
    assert fields["fee.amount"].decimal_digits == 2
    assert fields["tags"].default == ("urgent",)
    assert fields["hearing_at"].subtype == "datetime"
    assert fields["hearing_at"].label == "Hearing date"
    assert fields["deadline_time"].label == "Deadline time"
    # No static heading: the title falls back to the key.
    assert review.title == "demo/review"


def test_definitions_are_frozen(reception):
    with pytest.raises(AttributeError):
        reception.fields[1].required = False  # type: ignore[misc]


def test_str_and_bytes_hash_alike():
    raw = form_json({"type": "textfield", "key": "a"})
    assert parse_form("t", raw, "t").source_hash == parse_form("t", raw.encode(), "t").source_hash


def test_byte_order_mark_is_accepted():
    raw = b"\xef\xbb\xbf" + form_json({"type": "textfield", "key": "a"}).encode()
    assert parse_form("t", raw, "t").fields[0].key == "a"


# -- the broken example files ---------------------------------------------------------------

BROKEN_CASES = {
    "bad_json.form.json": (6, "", "malformed JSON: Expecting ',' delimiter (column 5)"),
    "unknown_type.form.json": (6, "signed", "unknown component type 'signature'"),
    "duplicate_key.form.json": (
        10,
        "applicant_name",
        "duplicate key 'applicant_name' (first used on line 5)",
    ),
    "bad_regex.form.json": (
        8,
        "reference",
        "validate.pattern '^[A-Z]+(0-9$' is not a valid regular expression",
    ),
    "select_without_values.form.json": (
        5,
        "country",
        "a select needs `values` to choose from",
    ),
    "no_components.form.json": (0, "", "missing components"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_CASES))
def test_broken_file_gives_its_problem(name):
    line, element, message = BROKEN_CASES[name]
    found = problems_of((BROKEN / name).read_bytes(), f"broken/{name}")
    assert len(found) == 1, found
    problem = found[0]
    assert (problem.file, problem.line, problem.element_id) == (
        f"broken/{name}",
        line,
        element,
    )
    assert problem.message.startswith(message), problem.message


# -- inline definition errors --------------------------------------------------------------


@pytest.mark.parametrize(
    ("component", "message"),
    [
        (
            {"type": "radio", "id": "R", "key": "r"},
            "a radio needs `values` to choose from",
        ),
        (
            {"type": "checklist", "key": "c", "values": []},
            "a checklist needs `values` to choose from",
        ),
        ({"type": "taglist", "key": "t"}, "a taglist needs `values` to choose from"),
        (
            {"type": "select", "key": "s", "valuesKey": "countries"},
            "dynamic options (valuesKey) are not supported; list the values in the form",
        ),
        (
            {
                "type": "select",
                "key": "s",
                "values": [{"label": "A", "value": "a"}, {"label": "B", "value": "a"}],
            },
            "option value 'a' is listed more than once",
        ),
        (
            {"type": "select", "key": "s", "values": [{"label": "A"}]},
            "option {'label': 'A'} needs a non-empty",
        ),
        (
            {
                "type": "select",
                "key": "s",
                "values": [{"value": "a"}],
                "defaultValue": "b",
            },
            "defaultValue 'b' is not one of the values",
        ),
        (
            {"type": "number", "key": "n", "validate": {"min": "=lower"}},
            "FEEL expressions are not supported in validate.min",
        ),
        (
            {"type": "number", "key": "n", "validate": {"min": 5, "max": 1}},
            "validate.min (5) is greater than validate.max (1)",
        ),
        (
            {"type": "number", "key": "n", "decimalDigits": -1},
            "decimalDigits must be a whole number of 0 or more",
        ),
        (
            {"type": "number", "key": "n", "increment": "0"},
            "increment must be a positive number",
        ),
        (
            {"type": "textfield", "key": "t", "validate": {"maxLength": "long"}},
            "validate.maxLength must be a whole number",
        ),
        (
            {"type": "textfield", "key": "t", "validate": {"validationType": "iban"}},
            "validate.validationType 'iban'",
        ),
        (
            {"type": "textfield", "key": "t", "validate": {"required": "yes"}},
            "validate.required must be true or false",
        ),
        (
            {"type": "textfield", "key": "t", "validate": []},
            "`validate` must be an object",
        ),
        (
            {"type": "textfield", "key": "t", "readonly": "=done"},
            "FEEL expressions are not supported in `readonly`",
        ),
        (
            {"type": "textfield", "key": "t", "conditional": {"hide": "=x"}},
            "conditional visibility",
        ),
        (
            {"type": "datetime", "key": "d", "subtype": "week"},
            "datetime subtype 'week' is not one of date, datetime, time",
        ),
        (
            {"type": "textfield", "id": "F1"},
            "a textfield needs a `key` naming its value",
        ),
        ({"type": "textfield", "key": "a..b"}, "key 'a..b' must be a dotted name"),
        (
            {"type": "group", "id": "G", "path": "a b", "components": []},
            "group path 'a b' must be a dotted name",
        ),
        (
            {"type": "group", "id": "G", "components": {}},
            "group `components` must be a list",
        ),
        ({"id": "X"}, "component has no `type`"),
        (
            {"type": "dynamiclist", "id": "L", "path": "items"},
            "unknown component type 'dynamiclist'",
        ),
    ],
)
def test_bad_component_is_refused(component, message):
    problem = only_problem(form_json({"type": "textfield", "key": "first"}, component))
    assert problem.line == 6  # the second component's line in form_json's layout
    assert problem.file == "t.form.json"
    assert problem.element_id == component.get("key", component.get("id", ""))
    assert problem.message.startswith(message), problem.message


def test_key_nested_under_another_field_is_refused():
    problem = only_problem(form_json({"type": "textfield", "key": "fee"}, {"type": "number", "key": "fee.amount"}))
    assert (problem.element_id, problem.line) == ("fee.amount", 6)
    assert problem.message == "key 'fee.amount' nests under 'fee', which is a field itself"


def test_group_path_counts_for_duplicates():
    # "name" inside group path "a" is "a.name": no clash with a top-level "name" ...
    ok = form_json(
        {"type": "textfield", "key": "name"},
        {
            "type": "group",
            "path": "a",
            "components": [{"type": "textfield", "key": "name"}],
        },
    )
    assert [f.key for f in parse_form("t", ok, "t").value_fields()] == [
        "name",
        "a.name",
    ]
    # ... but a clash with a top-level dotted "a.name".
    clash = form_json(
        {"type": "textfield", "key": "a.name"},
        {
            "type": "group",
            "path": "a",
            "components": [{"type": "textfield", "key": "name"}],
        },
    )
    assert only_problem(clash).message.startswith("duplicate key 'a.name'")


def test_all_problems_of_a_file_are_reported_together():
    found = problems_of(
        form_json(
            {"type": "select", "key": "s"},
            {"type": "slider", "key": "x"},
            {"type": "textfield", "key": "t", "validate": {"pattern": "("}},
            {"type": "textfield", "key": "t"},
        )
    )
    assert [(p.line, p.element_id) for p in found] == [
        (5, "s"),
        (6, "x"),
        (7, "t"),
        (8, "t"),
    ]
    assert str(found[0]) == "t.form.json:5: s: a select needs `values` to choose from"


@pytest.mark.parametrize(
    ("raw", "line", "message"),
    [
        ("[1, 2]", 1, "a form must be a JSON object"),
        ('{"components": 3}', 0, "missing components"),
        (
            '{\n  "components": [\n    "text"\n  ]\n}',
            0,
            "a component must be a JSON object",
        ),
        ('{\n  "id": "x",\n  "components": [\n}', 4, "malformed JSON"),
        (b'{"components": [], "id": "\xff"}', 0, "not UTF-8 text"),
    ],
)
def test_document_level_errors(raw, line, message):
    problem = only_problem(raw)
    assert problem.line == line
    assert problem.message.startswith(message), problem.message


def test_ignored_components_carry_nothing():
    raw = form_json(*({"type": t, "id": t} for t in ("separator", "spacer", "button", "html", "image")))
    assert parse_form("t", raw, "t").fields == ()


# -- the library ----------------------------------------------------------------------------


def test_load_forms_keys_by_relative_path_and_skips_letters():
    forms = load_forms(GOOD)
    assert sorted(forms) == ["demo/review", "trademark/reception"]
    assert forms["demo/review"].key == "demo/review"
    assert forms["trademark/reception"].id == "Form_trademark_reception"


def test_load_forms_collects_the_problems_of_every_file():
    with pytest.raises(LibraryInvalid) as caught:
        load_forms(BROKEN)
    files = [p.file for p in caught.value.problems]
    assert files == [f"broken/{name}" for name in sorted(BROKEN_CASES)]
    assert "broken/bad_regex.form.json:8: reference: validate.pattern" in str(caught.value)


def test_load_forms_refuses_two_files_with_one_key(tmp_path):
    raw = form_json({"type": "textfield", "key": "a"})
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "a.form.json").write_text(raw)
    (tmp_path / "x" / "a.json").write_text(raw)
    (tmp_path / ".hidden.json").write_text("not json")
    with pytest.raises(LibraryInvalid) as caught:
        load_forms(tmp_path)
    [problem] = caught.value.problems
    assert problem.file == f"{tmp_path.name}/x/a.json"
    assert problem.message == f"form key 'x/a' is also used by {tmp_path.name}/x/a.form.json"


def test_load_forms_of_a_missing_folder(tmp_path):
    with pytest.raises(LibraryInvalid, match="the forms folder does not exist"):
        load_forms(tmp_path / "nope")


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("demo/review.form.json", "demo/review"),
        ("intake.json", "intake"),
        ("a/b/c.form.json", "a/b/c"),
    ],
)
def test_form_key(path, key):
    assert form_key(pathlib.PurePosixPath(path)) == key
