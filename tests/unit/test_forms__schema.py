"""Submissions: what a person posts is cleaned to typed task data, or refused field by field."""

from __future__ import annotations

import datetime as dt
import json
import pathlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from marshmallow import Schema
from werkzeug.datastructures import MultiDict

from engine.errors import InvalidInput
from engine.forms import build_schema, parse_form, validate_submission

GOOD = pathlib.Path(__file__).parent / "data" / "forms" / "good"
# Module-level rather than fixtures so that hypothesis tests can use them too.
RECEPTION = parse_form(
    "trademark/reception",
    (GOOD / "trademark" / "reception.form.json").read_bytes(),
    "reception",
)
REVIEW = parse_form("demo/review", (GOOD / "demo" / "review.form.json").read_bytes(), "review")

VALID = {
    "applicant_name": "ACME Trading GmbH",
    "country": "DE",
    "email": "ip@acme.example",
    "number_of_classes": 3,
    "mark_type": "figurative",
    "goods_and_services": "Class 9: software.\nClass 42: software as a service.",
    "filing_date": "2024-02-29",
    "documents_complete": True,
    "missing_items": ["fee", "power_of_attorney"],
    "representative_name": "Dr. Jane Roe",
    "representative_number": "123456",
}


def errors_of(form, data) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as caught:
        validate_submission(form, data)
    assert str(caught.value).startswith("the form has errors")
    return caught.value.fields


def reception_with(**changes) -> dict:
    return {**VALID, **changes}


def inline_form(*components: dict):
    raw = json.dumps({"type": "default", "id": "F", "components": list(components)})
    return parse_form("inline", raw, "inline.form.json")


# -- good submissions -----------------------------------------------------------------------


def test_valid_submission_comes_back_unchanged_and_typed():
    cleaned = validate_submission(RECEPTION, VALID)
    assert cleaned == VALID
    assert type(cleaned["number_of_classes"]) is int
    assert json.loads(json.dumps(cleaned)) == cleaned


def test_web_post_of_strings_is_coerced():
    post = {
        "applicant_name": "  ACME Trading GmbH \n",
        "country": "DE",
        "email": "",
        "number_of_classes": " 3 ",
        "mark_type": "word",
        "goods_and_services": "",
        "filing_date": "2024-02-29",
        "missing_items": "fee",  # a single ticked box is posted as one string
        "representative_name": "",
        "representative_number": "",
    }  # documents_complete is not posted at all: an unticked checkbox
    assert validate_submission(RECEPTION, post) == {
        "applicant_name": "ACME Trading GmbH",
        "country": "DE",
        "email": "",
        "number_of_classes": 3,
        "mark_type": "word",
        "goods_and_services": "",
        "filing_date": "2024-02-29",
        "documents_complete": False,
        "missing_items": ["fee"],
        "representative_name": "",
        "representative_number": "",
    }


def test_multidict_post_keeps_every_ticked_box():
    post = MultiDict([(k, v) for k, v in VALID.items() if k != "missing_items"])
    post.add("missing_items", "fee")
    post.add("missing_items", "representation")
    post.add("missing_items", "fee")
    assert validate_submission(RECEPTION, post)["missing_items"] == [
        "fee",
        "representation",
    ]


@pytest.mark.parametrize(
    ("posted", "ticked"),
    [
        ("on", True),
        ("true", True),
        ("1", True),
        ("TRUE", True),
        ("yes", True),
        (1, True),
        (True, True),
        ("off", False),
        ("false", False),
        ("0", False),
        ("", False),
        (None, False),
        (0, False),
        (False, False),
    ],
)
def test_checkbox_values_a_web_form_may_post(posted, ticked):
    assert validate_submission(RECEPTION, reception_with(documents_complete=posted))["documents_complete"] is ticked


def test_checkbox_nonsense_is_refused():
    assert errors_of(RECEPTION, reception_with(documents_complete="maybe")) == {"documents_complete": ["Must be true or false."]}


def test_text_is_kept_as_typed_apart_from_surrounding_whitespace():
    typed = "  Class 9:  software\n\n  Class 42: SaaS  \n"
    cleaned = validate_submission(RECEPTION, reception_with(goods_and_services=typed))
    assert cleaned["goods_and_services"] == "Class 9:  software\n\n  Class 42: SaaS"


def test_optional_fields_left_out_get_their_empty_value():
    required_only = {
        k: VALID[k]
        for k in (
            "applicant_name",
            "country",
            "number_of_classes",
            "mark_type",
            "filing_date",
        )
    }
    cleaned = validate_submission(RECEPTION, required_only)
    assert cleaned == {
        **required_only,
        "email": "",
        "goods_and_services": "",
        "documents_complete": False,
        "missing_items": [],
        "representative_name": "",
        "representative_number": "",
    }


def test_dotted_keys_and_group_path_come_out_nested():
    cleaned = validate_submission(
        REVIEW,
        {
            "examiner": {"name": "Bo Li", "phone": "+49 30 664040900"},
            "fee.amount": "12.35",
            "hearing_at": "2024-03-01T10:30",
            "deadline_time": "17:00",
            "outcome": "refuse",
            "confirmed": "on",
        },
    )
    assert cleaned == {
        "examiner": {"name": "Bo Li", "phone": "+49 30 664040900"},
        "fee": {"amount": 12.35},
        "hearing_at": "2024-03-01T10:30",
        "deadline_time": "17:00",
        "tags": ["urgent"],  # the taglist's defaultValue, as nothing was sent
        "outcome": "refuse",
        "confirmed": True,
    }


def test_flat_and_nested_input_are_the_same_submission():
    nested = {"examiner": {"name": "Bo Li"}, "fee": {"amount": 10}, "confirmed": True}
    flat = {"examiner.name": "Bo Li", "fee.amount": 10, "confirmed": True}
    assert validate_submission(REVIEW, nested) == validate_submission(REVIEW, flat)


def test_readonly_value_is_ignored_not_stored():
    cleaned = validate_submission(REVIEW, {"case_number": "TM-2024-1", "examiner.name": "Bo", "confirmed": True})
    assert "case_number" not in cleaned
    assert cleaned["examiner"]["name"] == "Bo"


def test_default_is_used_only_when_the_key_is_missing():
    base = {"examiner.name": "Bo", "confirmed": True}
    assert validate_submission(REVIEW, base)["tags"] == ["urgent"]
    assert validate_submission(REVIEW, {**base, "tags": []})["tags"] == []
    assert validate_submission(REVIEW, {**base, "tags": ["opposition"]})["tags"] == ["opposition"]


@pytest.mark.parametrize(
    ("posted", "stored"),
    [
        ("7", 7),
        (7, 7),
        ("7.0", 7),
        (7.0, 7),
        ("12.5", 12.5),
        (0.05, 0.05),
        ("0.15", 0.15),
        ("1E+1", 10),
        ("0", 0),
    ],
)
def test_numbers_are_int_when_whole(posted, stored):
    amount = validate_submission(REVIEW, {"examiner.name": "Bo", "confirmed": True, "fee.amount": posted})["fee"]["amount"]
    assert amount == stored and type(amount) is type(stored)


def test_date_objects_become_iso_text():
    cleaned = validate_submission(RECEPTION, reception_with(filing_date=dt.date(2024, 1, 5)))
    assert cleaned["filing_date"] == "2024-01-05"


def test_numeric_option_values_match_posted_text():
    form = inline_form(
        {
            "type": "radio",
            "key": "r",
            "values": [{"label": "One", "value": 1}, {"label": "Two", "value": 2}],
        }
    )
    assert validate_submission(form, {"r": "2"}) == {"r": 2}
    assert errors_of(form, {"r": "3"}) == {"r": ["Not one of the choices: 1, 2."]}


# -- refused submissions ------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["applicant_name", "country", "number_of_classes", "mark_type", "filing_date"],
)
@pytest.mark.parametrize("blank", ["missing", "", "   ", None])
def test_required_fields(key, blank):
    data = reception_with()
    if blank == "missing":
        del data[key]
    else:
        data[key] = blank
    assert errors_of(RECEPTION, data) == {key: ["Required."]}


def test_defaults_fill_missing_optional_keys_but_not_required_ones():
    form = inline_form(
        {"type": "checkbox", "key": "ok", "defaultValue": True},
        {"type": "number", "key": "n", "defaultValue": "4"},
        {
            "type": "select",
            "key": "s",
            "values": [{"value": "a"}],
            "defaultValue": "a",
            "validate": {"required": True},
        },
    )
    # form-js pre-fills defaults on screen, so a required field left out was cleared.
    assert errors_of(form, {}) == {"s": ["Required."]}
    assert validate_submission(form, {"s": "a"}) == {"ok": True, "n": 4, "s": "a"}
    assert validate_submission(form, {"s": "a", "ok": "", "n": ""}) == {
        "ok": False,
        "n": None,
        "s": "a",
    }


def test_required_checkbox_must_be_ticked_and_required_list_non_empty():
    form = inline_form(
        {"type": "checkbox", "key": "ok", "validate": {"required": True}},
        {
            "type": "checklist",
            "key": "c",
            "values": [{"value": "a"}],
            "validate": {"required": True},
        },
    )
    assert errors_of(form, {}) == {"ok": ["Required."], "c": ["Required."]}
    assert errors_of(form, {"ok": "false", "c": []}) == {
        "ok": ["Required."],
        "c": ["Required."],
    }
    assert validate_submission(form, {"ok": "on", "c": "a"}) == {"ok": True, "c": ["a"]}


def test_messages_a_clerk_can_act_on():
    errors = errors_of(
        RECEPTION,
        reception_with(
            applicant_name="A" * 201,
            country="XX",
            email="ip at acme",
            number_of_classes="46",
            mark_type="3d",
            filing_date="29.02.2024",
            missing_items=["fee", "stamp"],
            representative_number="12",
        ),
    )
    assert errors == {
        "applicant_name": ["Must be at most 200 characters."],
        "country": ["Not one of the choices: AT, DE, FR, CH, EM."],
        "email": [r"Must match the pattern ^[^@\s]+@[^@\s]+\.[a-z]{2,}$"],
        "number_of_classes": ["Must be at most 45."],
        "mark_type": ["Not one of the choices: word, figurative, combined, sound."],
        "filing_date": ["Use the date format YYYY-MM-DD."],
        "missing_items": ["Not one of the choices: representation, power_of_attorney, fee, priority_document."],
        "representative_number": ["Use the 4 to 8 digit ID the office gave the representative."],
    }


def test_unknown_keys_are_refused_by_name():
    errors = errors_of(RECEPTION, reception_with(fee_paid=True, applicant={"city": "Wien"}))
    assert errors == {
        "fee_paid": ["This form has no field 'fee_paid'."],
        "applicant.city": ["This form has no field 'applicant.city'."],
    }


@pytest.mark.parametrize(
    "posted",
    ["abc", "3,5", "NaN", "-Infinity", True, [3], "0x10"],
)
def test_not_a_number(posted):
    assert errors_of(RECEPTION, reception_with(number_of_classes=posted)) == {"number_of_classes": ["Must be a number."]}


def test_absurd_numbers_are_refused_before_any_arithmetic():
    assert errors_of(RECEPTION, reception_with(number_of_classes="1e999999999")) == {"number_of_classes": ["Must be at most 45."]}
    assert errors_of(RECEPTION, reception_with(number_of_classes="-1e999999999")) == {
        "number_of_classes": ["Must be at least 1."]
    }
    unbounded = inline_form({"type": "number", "key": "n"})
    assert errors_of(unbounded, {"n": "1e31"}) == {"n": ["Use at most 30 digits before or after the decimal point."]}
    assert errors_of(unbounded, {"n": "1e-31"}) == {"n": ["Use at most 30 digits before or after the decimal point."]}
    assert validate_submission(unbounded, {"n": "1e30"}) == {"n": 10**30}
    assert validate_submission(unbounded, {}) == {"n": None}


def test_whole_number_and_decimal_places():
    assert errors_of(RECEPTION, reception_with(number_of_classes="2.5")) == {"number_of_classes": ["Must be a whole number."]}
    errors = errors_of(REVIEW, {"examiner.name": "Bo", "confirmed": True, "fee.amount": "10.123"})
    assert errors == {"fee.amount": ["Use at most 2 decimal places.", "Must be a multiple of 0.05."]}
    errors = errors_of(REVIEW, {"examiner.name": "Bo", "confirmed": True, "fee.amount": -5})
    assert errors == {"fee.amount": ["Must be at least 0."]}


@pytest.mark.parametrize(
    "posted",
    ["\u0662\u0660\u0662\u0664-01-05", "2024-02-30", "29.02.2024", "2024-2-1", "20240101", 20240101, "2024-02-29T10:00"],
)
def test_bad_dates(posted):
    assert errors_of(RECEPTION, reception_with(filing_date=posted)) == {"filing_date": ["Use the date format YYYY-MM-DD."]}


def test_datetime_object_is_not_a_date():
    errors = errors_of(RECEPTION, reception_with(filing_date=dt.datetime(2024, 1, 5, 9, 0)))
    assert errors == {"filing_date": ["Use the date format YYYY-MM-DD."]}


def test_bad_datetime_and_time():
    errors = errors_of(
        REVIEW,
        {
            "examiner.name": "Bo",
            "confirmed": True,
            "hearing_at": "2024-03-01",
            "deadline_time": "25:00",
        },
    )
    assert errors == {
        "hearing_at": ["Use the date and time format YYYY-MM-DDTHH:MM."],
        "deadline_time": ["Use the time format HH:MM."],
    }


def test_text_rules_of_the_review_form():
    errors = errors_of(
        REVIEW,
        {
            "examiner": {"name": " B ", "phone": "030 1234"},
            "confirmed": True,
            "tags": "nope",
        },
    )
    assert errors == {
        "examiner.name": ["Must be at least 2 characters."],
        "examiner.phone": ["Must be an international phone number such as +4930664040900."],
        "tags": ["Not one of the choices: urgent, opposition, bad_faith."],
    }


def test_email_validation_type_and_text_type():
    form = inline_form({"type": "textfield", "key": "mail", "validate": {"validationType": "email"}})
    assert validate_submission(form, {"mail": " a@b.example "}) == {"mail": "a@b.example"}
    assert errors_of(form, {"mail": "a@b"}) == {"mail": ["Must be an e-mail address such as name@example.org."]}
    assert errors_of(form, {"mail": 42}) == {"mail": ["Must be text."]}


def test_list_field_wants_a_list():
    assert errors_of(RECEPTION, reception_with(missing_items={"fee"})) == {"missing_items": ["Must be a list of choices."]}


def test_data_that_is_not_an_object():
    with pytest.raises(InvalidInput) as caught:
        validate_submission(RECEPTION, ["applicant_name"])  # type: ignore[arg-type]
    assert caught.value.fields == {"_form": ["Send the form's fields as an object."]}


# -- number range, for any integer ------------------------------------------------------------


@given(st.integers(min_value=1, max_value=45), st.booleans())
def test_any_integer_in_range_is_accepted(classes, as_text):
    posted = str(classes) if as_text else classes
    assert validate_submission(RECEPTION, reception_with(number_of_classes=posted))["number_of_classes"] == classes


@given(st.one_of(st.integers(max_value=0), st.integers(min_value=46)), st.booleans())
def test_any_integer_out_of_range_is_refused_naming_the_field(classes, as_text):
    posted = str(classes) if as_text else classes
    with pytest.raises(InvalidInput) as caught:
        validate_submission(RECEPTION, reception_with(number_of_classes=posted))
    expected = "Must be at least 1." if classes < 1 else "Must be at most 45."
    assert caught.value.fields == {"number_of_classes": [expected]}


# -- the schema itself ----------------------------------------------------------------------


def test_build_schema_caches_the_class_per_source_hash():
    first, second = build_schema(RECEPTION), build_schema(RECEPTION)
    assert isinstance(first, Schema) and first is not second
    assert type(first) is type(second)
    assert type(build_schema(REVIEW)) is not type(first)
    again = parse_form("another/key", (GOOD / "trademark" / "reception.form.json").read_bytes(), "x")
    assert type(build_schema(again)) is type(first)


def test_schema_fields_are_the_value_fields_minus_readonly():
    assert sorted(build_schema(REVIEW).fields) == sorted(
        [
            "examiner.name",
            "examiner.phone",
            "fee.amount",
            "hearing_at",
            "deadline_time",
            "tags",
            "outcome",
            "confirmed",
        ]
    )
