"""Task forms rendered server-side: every field with its label and name, posted values and their
messages shown again, untrusted text escaped, and a browser's post turned back into data that
`validate_submission` accepts."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from engine.errors import InvalidInput
from engine.forms import Field, FormDefinition, load_forms, parse_form, validate_submission
from ipflow_testing import REPO
from webui.tasks.form_fields import form_view, unplaced_errors
from webui.tasks.posted_data import posted_values

MACRO = '{% from "tasks/_form_fields.html" import render_fields %}{{ render_fields(fields) }}'
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def built_form(*components: dict, key: str = "test/built") -> FormDefinition:
    return parse_form(key, json.dumps({"type": "default", "id": "Built", "components": list(components)}), "built.form.json")


# Every component type the engine supports, since the office's own forms use only some of them.
ALL_TYPES = built_form(
    {"type": "text", "id": "intro", "text": "# Every type\n\nA *form* with\n\n| all |\n|---|\n| types |"},
    {
        "type": "group",
        "id": "g_applicant",
        "label": "Applicant",
        "path": "applicant",
        "components": [
            {
                "type": "textfield",
                "key": "name",
                "label": "Name",
                "description": "As filed",
                "validate": {"required": True, "maxLength": 80},
            },
            {
                "type": "select",
                "key": "country",
                "label": "Country",
                "values": [{"label": "Austria", "value": "AT"}, {"label": "Germany", "value": "DE"}],
            },
            {"type": "number", "key": "share", "label": "Share", "decimalDigits": 2, "validate": {"min": 0, "max": 100}},
        ],
    },
    {"type": "textarea", "key": "notes", "label": "Notes", "validate": {"maxLength": 40}},
    {
        "type": "number",
        "key": "count",
        "label": "Classes",
        "decimalDigits": 0,
        "validate": {"required": True, "min": 1, "max": 45},
    },
    {"type": "checkbox", "key": "urgent", "label": "Urgent"},
    {
        "type": "checklist",
        "key": "classes",
        "label": "Nice classes",
        "values": [{"label": "Nine", "value": 9}, {"label": "Thirty-five", "value": 35}, {"label": "Forty-two", "value": 42}],
    },
    {
        "type": "taglist",
        "key": "tags",
        "label": "Tags",
        "values": [{"label": "Colour", "value": "colour"}, {"label": "Sound", "value": "sound"}],
    },
    {
        "type": "radio",
        "key": "priority",
        "label": "Priority",
        "values": [{"label": "Low", "value": 1}, {"label": "High", "value": 2}],
        "validate": {"required": True},
    },
    {
        "type": "select",
        "key": "size",
        "label": "Size",
        "values": [{"label": "Small", "value": "small"}, {"label": "Large", "value": "large"}],
        "validate": {"required": True},
    },
    {"type": "datetime", "key": "filing_date", "subtype": "date", "dateLabel": "Filing date", "validate": {"required": True}},
    {"type": "datetime", "key": "hearing_at", "subtype": "datetime", "dateLabel": "Hearing"},
    {"type": "datetime", "key": "hearing_time", "subtype": "time", "timeLabel": "Hearing time"},
    {"type": "textfield", "key": "reference", "label": "Reference", "readonly": True},
    {"type": "group", "id": "g_plain", "components": [{"type": "checkbox", "key": "confirmed", "label": "Confirmed"}]},
    key="test/all_types",
)
FORMS = {**load_forms(REPO / "forms"), ALL_TYPES.key: ALL_TYPES}
# Sample text for textfields whose pattern a generic word would not match.
PATTERN_SAMPLES = {r"^\d{2}-\d{2}$": "08-05"}


class Page(HTMLParser):
    """What a browser and a screen reader take from the rendered fields."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.controls: list[dict] = []  # input / select / textarea, in document order
        self.labels: dict[str, str] = {}  # label[for] -> text
        self.legends: dict[str, str] = {}  # fieldset id -> legend text
        self.fieldset_names: dict[str, set[str]] = {}
        self.texts: dict[str, str] = {}  # id of a <p> -> its text
        self._open: list[tuple[str, dict]] = []  # elements whose text is being collected
        self._fieldsets: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset":
            self._fieldsets.append(attrs.get("id", ""))
            self.fieldset_names[attrs.get("id", "")] = set()
        elif tag in ("input", "select", "textarea"):
            control = {"tag": tag, "attrs": attrs, "text": "", "options": []}
            self.controls.append(control)
            for fieldset in self._fieldsets:
                self.fieldset_names[fieldset].add(attrs.get("name"))
            if tag != "input":
                self._open.append((tag, control))
        elif tag == "option":
            option = {"attrs": attrs, "text": ""}
            self.controls[-1]["options"].append(option)
            self._open.append((tag, option))
        elif tag in ("label", "legend", "p"):
            self._open.append((tag, {"attrs": attrs, "text": ""}))

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self._fieldsets.pop()
        if not self._open or self._open[-1][0] != tag:
            return
        _, element = self._open.pop()
        text, attrs = element["text"].strip(), element["attrs"]
        if tag == "label":
            self.labels[attrs["for"]] = text
        elif tag == "legend":
            self.legends[self._fieldsets[-1]] = text
        elif tag == "p" and attrs.get("id"):
            self.texts[attrs["id"]] = text

    def handle_data(self, data):
        for _, element in self._open:
            element["text"] += data

    def named(self, name: str) -> list[dict]:
        return [control for control in self.controls if control["attrs"].get("name") == name]

    def browser_post(self, *extra: tuple[str, str]) -> MultiDict:
        """What a browser submits: ticked boxes only, the chosen option, textarea lines as CRLF."""
        pairs = []
        for control in self.controls:
            attrs = control["attrs"]
            if "disabled" in attrs or not attrs.get("name"):
                continue
            if control["tag"] == "textarea":
                pairs.append((attrs["name"], control["text"].replace("\n", "\r\n")))
            elif control["tag"] == "select":
                chosen = [o for o in control["options"] if "selected" in o["attrs"]] or control["options"][:1]
                pairs.append((attrs["name"], chosen[0]["attrs"]["value"]))
            elif attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                pairs.append((attrs["name"], attrs.get("value", "")))
        return MultiDict(pairs + list(extra))


def render(app, fields) -> str:
    with app.test_request_context():
        return render_template_string(MACRO, fields=fields)


def valid_value(spec: Field):
    if spec.type == "textfield":
        if spec.pattern:
            assert spec.pattern in PATTERN_SAMPLES, f"add a sample for the pattern {spec.pattern!r} of {spec.key}"
            return PATTERN_SAMPLES[spec.pattern]
        return "Checked on file"
    if spec.type == "textarea":
        return "Line one\nLine two"
    if spec.type == "number":
        return 2.5 if spec.decimal_digits else (spec.min or 0) + 1
    if spec.type == "datetime":
        return {"date": "2026-03-02", "datetime": "2026-03-02T09:30", "time": "09:30"}[spec.subtype]
    if spec.type == "checkbox":
        return True
    if spec.type in ("checklist", "taglist"):
        return [option.value for option in spec.options[:2]]
    return spec.options[-1].value  # radio, select


def nested(form: FormDefinition, value_of) -> dict:
    data: dict = {}
    for spec in form.value_fields():
        *parents, last = spec.key.split(".")
        target = data
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value_of(spec)
    return data


def text_fields(form: FormDefinition) -> list[Field]:
    return [spec for spec in form.value_fields() if spec.type in ("textfield", "textarea")]


# -- every field is there -------------------------------------------------------------------


def test_every_value_field_appears_with_its_label_and_name(app):
    # One app for all forms (building one per form is slow); messages name the form and field.
    for form_key, form in sorted(FORMS.items()):
        page = Page(render(app, form_view(form, None, None)))
        for spec in form.value_fields():
            where = f"{form_key}: {spec.key}"
            controls = page.named(spec.key)
            assert controls, f"{where} has no control"
            if spec.type in ("radio", "checklist", "taglist"):
                fieldset = f"field-{spec.key}"
                assert page.legends[fieldset].startswith(spec.label), where
                assert page.fieldset_names[fieldset] == {spec.key}, where
                assert [page.labels[c["attrs"]["id"]] for c in controls] == [o.label for o in spec.options], where
                assert [c["attrs"]["value"] for c in controls] == [str(o.value) for o in spec.options], where
            else:
                assert len(controls) == 1, where
                assert page.labels[controls[0]["attrs"]["id"]].startswith(spec.label), where
            if spec.required and spec.type not in ("checklist", "taglist"):
                assert all("required" in c["attrs"] for c in controls), where


def test_layout_and_input_types_follow_the_definition(app):
    html = render(app, form_view(ALL_TYPES, {"reference": "TM-1"}, None))
    page = Page(html)
    assert "<h3>Every type</h3>" in html and "<table>" in html and "<em>form</em>" in html  # under the page's own headings
    assert page.legends["group-applicant"] == "Applicant"
    assert page.fieldset_names["group-applicant"] == {"applicant.name", "applicant.country", "applicant.share"}
    assert '<div class="form-group" id="group-g_plain">' in html
    types = {c["attrs"]["name"]: c["attrs"].get("type") for c in page.controls if c["tag"] == "input"}
    assert types["filing_date"] == "date" and types["hearing_at"] == "datetime-local" and types["hearing_time"] == "time"
    assert types["count"] == "number"
    (count,) = page.named("count")
    assert (count["attrs"]["min"], count["attrs"]["max"], count["attrs"]["step"]) == ("1", "45", "1")
    assert page.named("applicant.share")[0]["attrs"]["step"] == "0.01"
    assert page.texts["field-applicant.name-help"] == "As filed"
    assert page.named("applicant.name")[0]["attrs"]["aria-describedby"] == "field-applicant.name-help"
    (reference,) = page.named("reference")
    assert "readonly" in reference["attrs"] and reference["attrs"]["value"] == "TM-1"
    optional, required = page.named("applicant.country")[0], page.named("size")[0]
    assert [o["text"] for o in optional["options"]] == ["— choose —", "Austria", "Germany"]
    assert optional["options"][0]["attrs"]["value"] == ""
    assert required["options"][0]["text"] == "— choose —"  # nothing chosen yet: no silent default


def test_saved_draft_values_are_shown_from_nested_data(app):
    draft = {"applicant": {"name": "ACME", "country": "DE", "share": 12.5}, "classes": [9, 42], "priority": 2, "urgent": True}
    page = Page(render(app, form_view(ALL_TYPES, draft, None)))
    assert page.named("applicant.name")[0]["attrs"]["value"] == "ACME"
    assert page.named("applicant.share")[0]["attrs"]["value"] == "12.5"
    country = page.named("applicant.country")[0]
    assert [o["attrs"]["value"] for o in country["options"] if "selected" in o["attrs"]] == ["DE"]
    assert [c["attrs"]["value"] for c in page.named("classes") if "checked" in c["attrs"]] == ["9", "42"]
    assert [c["attrs"]["value"] for c in page.named("priority") if "checked" in c["attrs"]] == ["2"]
    assert "checked" in page.named("urgent")[0]["attrs"] and "checked" not in page.named("confirmed")[0]["attrs"]


# -- errors are shown where they belong -----------------------------------------------------


def test_posted_invalid_value_comes_back_in_its_input_with_its_message(app):
    form = FORMS["trademark/classification"]
    post = MultiDict({"class_count_checked": "12x", "classification_notes": "moved class 9", "csrf_token": "t"})
    values = posted_values(form, post)
    with pytest.raises(InvalidInput) as caught:
        validate_submission(form, values)
    html = render(app, form_view(form, values, caught.value.fields))
    page = Page(html)
    (count,) = page.named("class_count_checked")
    assert count["attrs"]["value"] == "12x"  # the person's text, in a box that can show it
    assert count["attrs"]["type"] == "text"
    assert count["attrs"]["aria-invalid"] == "true"
    assert count["attrs"]["aria-describedby"] == "field-class_count_checked-error"
    assert page.texts["field-class_count_checked-error"] == "Must be a number."
    assert '<div class="form-field has-error">\n  <label for="field-class_count_checked">' in html
    assert html.index('id="field-class_count_checked"') < html.index('id="field-class_count_checked-error"')
    assert page.named("classification_notes")[0]["text"] == "moved class 9"
    assert "aria-invalid" not in page.named("classification_notes")[0]["attrs"]


def test_errors_on_a_choice_field_and_a_nested_field_sit_in_their_fieldset(app):
    values = posted_values(ALL_TYPES, MultiDict([("classes", "9"), ("classes", "77"), ("applicant.name", " ")]))
    with pytest.raises(InvalidInput) as caught:
        validate_submission(ALL_TYPES, values)
    assert caught.value.fields["applicant.name"] == ["Required."]
    page = Page(render(app, form_view(ALL_TYPES, values, caught.value.fields)))
    assert page.texts["field-applicant.name-error"] == "Required."
    assert page.named("applicant.name")[0]["attrs"]["aria-describedby"] == "field-applicant.name-help field-applicant.name-error"
    assert page.texts["field-classes-error"] == "Not one of the choices: 9, 35, 42."
    assert all(c["attrs"]["aria-invalid"] == "true" for c in page.named("classes"))
    assert [c["attrs"]["value"] for c in page.named("classes") if "checked" in c["attrs"]] == ["9"]


def test_messages_for_no_field_are_left_for_the_page():
    errors = {"_form": ["Send the form's fields as an object."], "count": ["Required."]}
    assert unplaced_errors(ALL_TYPES, errors) == ("Send the form's fields as an object.",)
    assert [v.errors for v in form_view(ALL_TYPES, None, errors) if v.name == "count"] == [("Required.",)]


# -- untrusted text is escaped --------------------------------------------------------------


def test_markup_posted_into_text_fields_comes_back_escaped(app):
    payload = f"{SCRIPT}{IMG}"
    for form_key, form in sorted(FORMS.items()):
        values = nested(form, lambda spec: payload if spec.type in ("textfield", "textarea") else None)
        errors = {spec.key: [f"Bad {SCRIPT}"] for spec in text_fields(form)}
        html = render(app, form_view(form, values, errors))
        assert "<script" not in html.lower() and "<img" not in html.lower(), form_key
        page = Page(html)
        for spec in text_fields(form):
            (control,) = page.named(spec.key)
            shown = control["text"] if spec.type == "textarea" else control["attrs"]["value"]
            assert shown == payload, f"{form_key}: {spec.key}"
            assert page.texts[f"field-{spec.key}-error"] == f"Bad {SCRIPT}"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_markup_in_labels_descriptions_options_and_texts_is_escaped(app):
    hostile = built_form(
        {"type": "text", "text": f"# Title {SCRIPT}\n\n{IMG}\n\n[x](javascript:alert(1))"},
        {
            "type": "group",
            "label": f"Group {SCRIPT}",
            "path": "g",
            "components": [
                {
                    "type": "textfield",
                    "key": "name",
                    "label": f"Name {SCRIPT}",
                    "description": f"Help {IMG}",
                    "validate": {"pattern": "^a", "patternMessage": f"Start with a {IMG}"},
                },
            ],
        },
        {"type": "select", "key": "pick", "label": f"Pick {IMG}", "values": [{"label": f"One {SCRIPT}", "value": f"v{IMG}"}]},
        {"type": "radio", "key": "way", "label": "Way", "values": [{"label": f"Radio {IMG}", "value": "r"}]},
        {"type": "checklist", "key": "many", "label": f"Many {SCRIPT}", "values": [{"label": f"Box {SCRIPT}", "value": "b"}]},
        {"type": "checkbox", "key": "tick", "label": f"Tick {IMG}"},
    )
    html = render(app, form_view(hostile, {"pick": f"v{IMG}"}, None))
    assert "<script" not in html.lower() and "<img" not in html.lower() and 'href="javascript' not in html
    # Every place each payload was put shows up, escaped: 6 for <script>, 7 for <img>.
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 6
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") == 7
    page = Page(html)
    assert page.labels["field-g.name"] == f"Name {SCRIPT}"
    assert page.texts["field-g.name-help"] == f"Help {IMG}"
    assert page.legends["field-many"] == f"Many {SCRIPT}"
    assert page.named("pick")[0]["options"][1]["attrs"] == {"value": f"v{IMG}", "selected": None}


# -- a browser's post becomes task data -----------------------------------------------------


def test_rendered_form_posted_back_by_a_browser_is_accepted(app):
    for form_key, form in sorted(FORMS.items()):
        values = nested(form, valid_value)
        page = Page(render(app, form_view(form, values, None)))
        posted = posted_values(form, page.browser_post(("csrf_token", "token"), ("action", "complete")))
        expected = nested(form, valid_value)
        expected.pop("reference", None)  # read-only: never taken from a post
        assert posted == expected, form_key
        assert validate_submission(form, posted) == validate_submission(form, values), form_key


def test_unticked_checkbox_is_false_and_ticked_is_true():
    form = FORMS["demo/review"]
    assert posted_values(form, MultiDict({"reviewer_note": "ok"})) == {"reviewer_note": "ok", "documents_complete": False}
    assert posted_values(form, MultiDict({"reviewer_note": "ok", "documents_complete": "true"}))["documents_complete"] is True


def test_checklist_keeps_every_ticked_value_with_the_option_type():
    post = MultiDict([("classes", "9"), ("classes", "42"), ("tags", "sound"), ("tags", "colour")])
    values = posted_values(ALL_TYPES, post)
    assert values["classes"] == [9, 42] and values["tags"] == ["sound", "colour"]
    assert posted_values(ALL_TYPES, MultiDict())["classes"] == []
    objections = MultiDict([("objections", "novelty"), ("objections", "clarity")])
    assert posted_values(FORMS["patent/examination"], objections)["objections"] == ["novelty", "clarity"]


def test_number_that_does_not_parse_is_reported_on_its_field():
    values = posted_values(ALL_TYPES, MultiDict({"count": "twelve", "applicant.share": "1e999999999"}))
    assert values["count"] == "twelve"
    with pytest.raises(InvalidInput) as caught:
        validate_submission(ALL_TYPES, values)
    assert caught.value.fields["count"] == ["Must be a number."]
    assert caught.value.fields["applicant.share"] == ["Must be at most 100."]
    assert posted_values(ALL_TYPES, MultiDict({"count": " 7 ", "applicant.share": "0.25"}))["applicant"]["share"] == 0.25


def test_blank_fields_are_empty_not_defaulted_and_readonly_and_unknown_names_are_ignored():
    defaulted = built_form(
        {"type": "select", "key": "kind", "label": "Kind", "values": [{"label": "A", "value": "a"}], "defaultValue": "a"}
    )
    assert posted_values(defaulted, MultiDict({"kind": ""})) == {"kind": None}
    assert validate_submission(defaulted, {"kind": None}) == {"kind": None}
    post = MultiDict({"reference": "forged", "csrf_token": "t", "action": "draft", "applicant.name": "ACME", "notes": "a\r\nb"})
    values = posted_values(ALL_TYPES, post)
    assert "reference" not in values and "csrf_token" not in values and "action" not in values
    assert values["applicant"] == {"name": "ACME"} and values["notes"] == "a\nb"


def test_dates_stay_iso_text():
    post = MultiDict({"filing_date": "2026-03-02", "hearing_at": "2026-03-02T09:30", "hearing_time": "09:30"})
    values = posted_values(ALL_TYPES, post)
    assert (values["filing_date"], values["hearing_at"], values["hearing_time"]) == ("2026-03-02", "2026-03-02T09:30", "09:30")
