"""Letters: every template renders to HTML and PDF; the sandbox, escaping and strict names hold."""

from __future__ import annotations

import copy
import io
import re

import pytest
from pypdf import PdfReader

from engine.domain.letters import LetterRenderer, RenderedLetter, format_date, format_money
from engine.errors import NotFound, Problem, ScriptError
from ipflow_testing import REPO

LETTERS = REPO / "forms" / "letters"
EXPECTED = {
    "receipt",
    "deficiency",
    "objection",
    "acceptance",
    "publication_notice",
    "registration_certificate",
    "renewal_reminder",
    "lapse_notice",
    "deemed_withdrawn",
    "refusal",
    "grant_notice",
}
LAYOUT = (
    "{% block subject %}{% endblock %}<html><body><h1>{{ self.subject() }}</h1>{% block body %}{% endblock %}</body></html>\n"
)


@pytest.fixture(scope="module")
def renderer() -> LetterRenderer:
    return LetterRenderer(LETTERS)


@pytest.fixture
def context() -> dict:
    """A trademark case with a representative, fees, a deadline, a publication and reasons."""
    return {
        "office": {
            "name": "Patent Office of the Republic of Bulgaria",
            "address": "52B Dr. G. M. Dimitrov Blvd.\n1040 Sofia",
            "country": "BG",
            "email": "mail@bpo.example",
        },
        "case": {
            "application_number": "40-2026-000123",
            "right_type": "trademark",
            "filing_date": "2026-03-02",
            "title": "SUNFLOWER",
            "status": "examination",
            "classes": [
                {"nice_class": 9, "goods_services": "Computer software; downloadable mobile applications"},
                {"nice_class": 42, "goods_services": "Software as a service"},
            ],
            "registration_number": "123456",
            "expiry_date": "2036-03-02",
        },
        "applicant": {
            "name": "Sunflower Software AD",
            "address": "ul. Rakovski 1\n1000 Sofia",
            "country": "BG",
            "email": "legal@sunflower.example",
        },
        "representative": {
            "name": "Anna Kovacheva, IP attorney",
            "address": "bul. Vitosha 20\n1000 Sofia",
            "country": "BG",
            "email": "ak@ipattorney.example",
        },
        "fee_sheet": {
            "lines": [
                {"description": "Application fee, including 3 classes", "quantity": 1, "amount": 520},
                {"description": "Each further class", "quantity": 1, "amount": 30},
            ],
            "total": 550,
            "currency": "BGN",
            "due_date": "2026-04-02",
        },
        "deadline": {"kind": "reply", "due_date": "2026-05-04", "legal_kind": "office-set"},
        "publication": {"gazette_number": "2026/14", "published_on": "2026-04-15"},
        "reasons": "The sign SUNFLOWER is devoid of distinctive character for the goods in class 9.",
        "today": "2026-03-04",
        "extra": {"your_reference": "TM-88/2026", "signatory": {"name": "Maria Ivanova", "role": "Examiner"}},
    }


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def addressee_block(html: str) -> str:
    match = re.search(r'<div class="addressee">(.*?)</div>', html, re.S)
    assert match, "the layout has no addressee block"
    return match.group(1)


def write(folder, name: str, source: str) -> None:
    (folder / name).write_text(source, encoding="utf-8")


def test_names_are_the_letters_without_partials(renderer):
    assert set(renderer.names()) == EXPECTED
    assert not [n for n in renderer.names() if n.startswith("_")]


def test_the_shipped_templates_compile(renderer):
    assert renderer.check_templates() == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_letter_renders_to_html_and_pdf(renderer, context, name):
    letter = renderer.render(name, context)

    assert isinstance(letter, RenderedLetter) and letter.name == name
    assert letter.subject and "{" not in letter.subject and "<" not in letter.subject
    assert f"<title>{letter.subject}</title>" in letter.html.replace("&amp;", "&")
    assert "40-2026-000123" in letter.html
    assert "4 March 2026" in letter.html  # today, through the date filter
    assert "Maria Ivanova" in letter.html
    assert "Anna Kovacheva" in addressee_block(letter.html)
    assert letter.pdf.startswith(b"%PDF-") and letter.pdf.rstrip().endswith(b"%%EOF")
    pages, text = pdf_text(letter.pdf)
    assert pages >= 1
    assert "Anna Kovacheva" in text and "40-2026-000123" in text
    assert "{{" not in text and "<p>" not in text


def test_the_letter_goes_to_the_applicant_when_there_is_no_representative(renderer, context):
    del context["representative"]
    html = renderer.render_html("objection", context)
    assert "Sunflower Software AD" in addressee_block(html)
    assert "ul. Rakovski 1<br>" in addressee_block(html)


def test_the_letter_goes_to_the_representative_and_names_the_applicant(renderer, context):
    html = renderer.render_html("objection", context)
    assert "Anna Kovacheva" in addressee_block(html)
    assert "Sunflower Software AD" not in addressee_block(html)
    assert "Applicant: Sunflower Software AD" in html


def test_optional_blocks_given_as_none_render_nothing(renderer, context):
    for key in ("representative", "fee_sheet", "deadline", "publication", "reasons"):
        context[key] = None
    html = renderer.render_html("receipt", context)
    assert "Sunflower Software AD" in addressee_block(html)
    assert "BGN" not in html and "Representative" not in html


def test_dates_amounts_and_periods_come_from_the_context(renderer, context):
    context["deadline"]["due_date"] = "2026-07-31"
    context["fee_sheet"]["total"] = 1234.5
    html = renderer.render_html("receipt", context)
    assert "1,234.50 BGN" in html and "2 April 2026" in html
    objection = renderer.render_html("objection", context)
    assert "You have until <b>31 July 2026</b> to reply." in objection


def test_the_kind_of_time_limit_decides_whether_the_letter_offers_an_extension(renderer, context):
    context["deadline"]["legal_kind"] = "statutory"
    assert "cannot be extended" in renderer.render_html("deficiency", context)
    context["deadline"]["legal_kind"] = "office-set"
    objection = renderer.render_html("objection", context)
    assert "request one extension" in objection and "cannot be extended" not in objection


def test_examiner_reasons_are_escaped(renderer, context):
    context["reasons"] = "<script>alert(1)</script>"
    html = renderer.render_html("refusal", context)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html


def test_a_name_with_markup_is_escaped(renderer, context):
    context["applicant"]["name"] = 'Evil <img src=x onerror="alert(1)"> Ltd'
    del context["representative"]
    html = renderer.render_html("receipt", context)
    assert "<img" not in html and "Evil &lt;img src=x" in html


def test_unicode_names_render_in_html_and_pdf(renderer, context):
    context["applicant"]["name"] = "Иван Петров"
    context["representative"]["name"] = "Müller & Søn Patentanwälte"
    context["case"]["title"] = "ქართული ღვინო"  # Georgian: not in Noto Sans, drawn with the FiraGO fallback
    letter = renderer.render("registration_certificate", context)
    assert "Иван Петров" in letter.html and "Müller &amp; Søn Patentanwälte" in letter.html
    _, text = pdf_text(letter.pdf)
    assert "Иван Петров" in text and "Müller & Søn Patentanwälte" in text and "ქართული ღვინო" in text


def test_a_letter_missing_a_block_it_needs_names_it_and_the_line(renderer, context):
    del context["deadline"]
    with pytest.raises(ScriptError) as caught:
        renderer.render("deficiency", context)
    source = (LETTERS / "deficiency.html.j2").read_text().splitlines()
    expected_line = next(i for i, text in enumerate(source, 1) if "deadline.due_date" in text)
    assert caught.value.element_id == "letters/deficiency"
    assert caught.value.line == expected_line
    assert "'deadline' is undefined" in str(caught.value)


def test_an_unknown_letter_is_not_found(renderer, context):
    with pytest.raises(NotFound, match="no letter template 'nonsense'"):
        renderer.render("nonsense", context)
    with pytest.raises(NotFound):
        renderer.render("../_layout", context)


@pytest.mark.parametrize(
    "expression",
    ["''.__class__.__mro__", "cycler.__init__.__globals__", "''.__class__.__mro__[1].__subclasses__()", "case.__class__"],
)
def test_the_sandbox_refuses_private_attributes(tmp_path, context, expression):
    write(tmp_path, "_layout.html.j2", LAYOUT)
    write(
        tmp_path,
        "evil.html.j2",
        '{% extends "_layout.html.j2" %}\n{% block subject %}Hi{% endblock %}\n{% block body %}\n{{ '
        + expression
        + " }}\n{% endblock %}\n",
    )
    with pytest.raises(ScriptError) as caught:
        LetterRenderer(tmp_path).render("evil", context)
    message = str(caught.value)
    assert "refused by the sandbox" in message
    assert caught.value.element_id == "letters/evil" and caught.value.line == 4
    assert "<class" not in message and "builtins" not in message


def test_a_misspelt_name_fails_naming_it_and_its_line(tmp_path, context):
    write(
        tmp_path,
        "typo.html.j2",
        "{% block subject %}Receipt{% endblock %}\n<p>Dear applicant,</p>\n<p>No. {{ case.aplication_number }}</p>\n",
    )
    with pytest.raises(ScriptError) as caught:
        LetterRenderer(tmp_path).render_html("typo", context)
    assert "aplication_number" in str(caught.value)
    assert caught.value.line == 3
    assert str(caught.value).startswith("letters/typo line 3: ")


def test_a_bad_value_for_a_filter_is_a_script_error_with_the_line(tmp_path, context):
    write(tmp_path, "dates.html.j2", "{% block subject %}S{% endblock %}\n{{ case.title|date }}\n")
    with pytest.raises(ScriptError, match=r"letters/dates line 2: .*expected an ISO date"):
        LetterRenderer(tmp_path).render("dates", context)


def test_a_syntax_error_at_render_time_names_the_line(tmp_path, context):
    write(tmp_path, "broken.html.j2", "{% block subject %}S{% endblock %}\n<p>\n{% if case.title %}\n</p>\n")
    with pytest.raises(ScriptError) as caught:
        LetterRenderer(tmp_path).render("broken", context)
    assert caught.value.element_id == "letters/broken" and caught.value.line == 4
    assert "syntax error" in str(caught.value)


def test_check_templates_reports_each_broken_template_with_its_line(tmp_path):
    write(tmp_path, "_layout.html.j2", LAYOUT)
    write(tmp_path, "good.html.j2", '{% extends "_layout.html.j2" %}\n{% block subject %}Fine{% endblock %}\n')
    write(tmp_path, "unclosed.html.j2", "{% block subject %}S{% endblock %}\n<p>\n{% for x in y %}\n{{ x }}\n")
    write(tmp_path, "filter.html.j2", "{% block subject %}S{% endblock %}\n\n\n{{ today|no_such_filter }}\n")
    write(tmp_path, "nosubject.html.j2", "<p>Hello</p>\n")

    problems = LetterRenderer(tmp_path).check_templates()

    by_name = {p.element_id: p for p in problems}
    assert set(by_name) == {"unclosed", "filter", "nosubject"}
    assert by_name["unclosed"].file == "forms/letters/unclosed.html.j2"
    assert by_name["unclosed"].line == 4 and "endfor" in by_name["unclosed"].message
    assert by_name["filter"] == Problem("forms/letters/filter.html.j2", 4, "filter", by_name["filter"].message)
    assert "no_such_filter" in by_name["filter"].message
    assert "subject" in by_name["nosubject"].message
    assert str(by_name["filter"]).startswith("forms/letters/filter.html.j2:4: filter: ")


def test_a_letter_without_a_subject_cannot_be_rendered(tmp_path, context):
    write(tmp_path, "_layout.html.j2", LAYOUT)
    write(tmp_path, "blank.html.j2", '{% extends "_layout.html.j2" %}\n{% block body %}<p>Hi</p>{% endblock %}\n')
    with pytest.raises(ScriptError, match="subject is empty"):
        LetterRenderer(tmp_path).render("blank", context)


def test_render_pdf_refuses_html_it_cannot_lay_out(renderer):
    with pytest.raises(ScriptError, match="cannot be laid out as PDF"):
        renderer.render_pdf("<html><body><table><tr><td><b>x</b> y</td></tr></table></body></html>")


def test_a_template_cannot_change_the_context(tmp_path, context):
    write(tmp_path, "greedy.html.j2", "{% block subject %}S{% endblock %}\n{{ case.classes.append(99) }}\n")
    before = copy.deepcopy(context)
    with pytest.raises(ScriptError, match="refused by the sandbox"):
        LetterRenderer(tmp_path).render("greedy", context)
    assert context == before


def test_table_cells_after_bold_text_are_regular_in_the_pdf(renderer):
    pdf = renderer.render_pdf('<html><body><p><b>Bold</b> text</p><table border="1"><tr><td>Cell</td></tr></table></body></html>')
    fonts = {}

    def visit(text, cm, tm, font, size):
        if text.strip() and font:
            fonts[text.strip()] = font["/BaseFont"]

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    assert "Bold" in fonts["Bold"]
    assert "Bold" not in fonts["Cell"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [("2026-03-02", "2 March 2026"), ("2026-12-31T23:59:00+00:00", "31 December 2026"), ("2028-02-29", "29 February 2028")],
)
def test_the_date_filter(value, shown):
    assert format_date(value) == shown


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [(520, "BGN", "520.00 BGN"), ("1234.5", "EUR", "1,234.50 EUR"), (0.125, "EUR", "0.13 EUR"), (30, "", "30.00")],
)
def test_the_money_filter(amount, currency, shown):
    assert format_money(amount, currency) == shown


def test_the_filters_refuse_what_they_cannot_read():
    with pytest.raises(ValueError, match="ISO date"):
        format_date("02/03/2026")
    with pytest.raises(ValueError, match="amount"):
        format_money("a lot", "EUR")
