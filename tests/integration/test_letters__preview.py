"""The studio's letter preview: the editor's text rendered for a real case with the context the
send_letter operator builds, the other letters as the workspace holds them; the case found by its
number as people type it; a broken template or an unknown case is a sentence, never a crash."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from engine.errors import InvalidInput, NotFound
from engine.services.letter_preview import LetterProblem, preview_letter, preview_letter_pdf
from engine.services.workspace import open_file, save_file
from library_editing import deployed_office
from scenario_support import Office, trademark_filing

REFUSAL = "letters/refusal.html.j2"
EVIL = "<script>alert('x')</script> Evil & Co"


@pytest.fixture
def studio(settings, clock, operators):
    with deployed_office(settings, clock, operators) as ctx:
        yield ctx


@pytest.fixture
def case(studio) -> Office:
    """A trademark filed by an applicant whose name holds markup, its fees paid."""
    office = Office(studio).file(
        "trademark",
        trademark_filing(
            applicants=[{"name": EVIL, "address": "1 Main Street, Sofia", "country": "BG", "email": "ip@evil.example"}]
        ),
    )
    office.pay()
    return office


def test_the_preview_shows_the_case_as_the_letter_would_and_escapes_its_data(studio, case):
    refusal = open_file(studio, REFUSAL).content
    preview = preview_letter(studio, REFUSAL, refusal, case.number)

    assert preview.subject == f"Decision refusing application No. {case.number}"
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Evil &amp; Co" in preview.html
    assert "<script>" not in preview.html
    assert "Soaps; perfumery" in preview.html  # the case's goods, through the operator's context
    assert "2 March 2026" in preview.html  # today at the office, from the injected clock


def test_the_unsaved_text_is_previewed_and_the_number_is_found_as_people_type_it(studio, case):
    edited = open_file(studio, REFUSAL).content.replace("Grounds for the decision", "Why we refuse")
    typed = " " + case.number.replace("-", " ").lower() + " "
    preview = preview_letter(studio, REFUSAL, edited, typed)
    assert "Why we refuse" in preview.html and preview.case_number == case.number


def test_other_letters_come_from_the_workspace_drafts(studio, case):
    layout = open_file(studio, "letters/_layout.html.j2").content.replace("Yours faithfully,", "Kind regards from the draft,")
    assert save_file(studio, "letters/_layout.html.j2", layout, "analyst").problems == ()  # every letter renders with it
    preview = preview_letter(studio, REFUSAL, open_file(studio, REFUSAL).content, case.number)
    assert "Kind regards from the draft," in preview.html


def test_an_unknown_case_number_is_a_clear_not_found(studio, case):
    with pytest.raises(NotFound, match=r"no case has the application number '40-1999-999999'; check the number"):
        preview_letter(studio, REFUSAL, open_file(studio, REFUSAL).content, "40-1999-999999")
    with pytest.raises(InvalidInput) as empty:
        preview_letter(studio, REFUSAL, open_file(studio, REFUSAL).content, "  ")
    assert "case_number" in empty.value.fields


def test_a_broken_template_is_a_problem_with_its_line(studio, case):
    broken = open_file(studio, REFUSAL).content.replace("{{ m.reasons_text(reasons) }}", "{{ applicant.nme }}")
    line = 1 + broken[: broken.index("applicant.nme")].count("\n")
    with pytest.raises(LetterProblem) as caught:
        preview_letter(studio, REFUSAL, broken, case.number)
    assert caught.value.problem.line == line and caught.value.problem.file == REFUSAL
    assert caught.value.sentence.startswith(f"line {line}: ") and "nme" in caught.value.sentence

    with pytest.raises(LetterProblem) as syntax:
        preview_letter(studio, REFUSAL, "{% block subject %}S{% endblock %}\n{% if x %}\n", case.number)
    assert syntax.value.problem.line == 2 and "syntax" in syntax.value.sentence


def test_an_error_in_a_partial_names_the_partial(studio, case):
    save_file(
        studio,
        "letters/_layout.html.j2",
        open_file(studio, "letters/_layout.html.j2").content.replace("{{ office.email }}", "{{ office.mail }}"),
        "analyst",
    )
    with pytest.raises(LetterProblem) as caught:
        preview_letter(studio, REFUSAL, open_file(studio, REFUSAL).content, case.number)
    assert caught.value.problem.file == "letters/_layout.html.j2" and "(in letters/_layout.html.j2)" in caught.value.sentence


def test_a_partial_or_another_file_cannot_be_previewed_by_itself(studio, case):
    with pytest.raises(InvalidInput, match="partial"):
        preview_letter(studio, "letters/_layout.html.j2", "x", case.number)
    with pytest.raises(InvalidInput, match="only a letter"):
        preview_letter(studio, "trademark/trademark.bpmn", "x", case.number)


def test_the_pdf_preview_is_the_same_letter(studio, case):
    name, pdf = preview_letter_pdf(studio, REFUSAL, open_file(studio, REFUSAL).content, case.number)
    assert name == f"{case.number}-refusal-preview.pdf" and pdf.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "<script>alert('x')</script> Evil & Co" in text and case.number in text
