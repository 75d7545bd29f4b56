"""Task instructions: Markdown by analysts, Jinja over case data, nothing an applicant typed can format
or script the page; a broken template names its step instead of crashing the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from engine.domain.instructions import check_instructions, escape_markdown, render_instructions
from engine.errors import ScriptError


@dataclass(frozen=True)
class Case:
    number: str
    applicant: str
    classes: tuple[str, ...]
    filing_date: date


CASE = Case("TM 2026/000012", "ACME Ltd", ("3", "35"), date(2026, 3, 2))


def test_markdown_written_by_the_analyst_formats_and_case_values_fill_in():
    html = render_instructions("### Check\nApplication **{{ case.number }}** of {{ case.filing_date|date }}: classes {{ case.classes|join(', ') }}", {"case": CASE})
    assert "<h3>Check</h3>" in html
    assert "<strong>TM 2026/000012</strong>" in html and "classes 3, 35" in html and "2026" in html


@pytest.mark.parametrize("typed", [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "**bold** _it_ `code` # heading",
    "![img](http://tracker.example/x.png)",
])
def test_what_an_applicant_typed_stays_text(typed):
    html = render_instructions("Applicant: {{ case.applicant }}", {"case": Case("1", typed, (), date(2026, 1, 1))})
    assert "<script" not in html and "<a " not in html and "<strong>" not in html and "<img" not in html and "<code>" not in html
    assert "<h1>" not in html


def test_escaping_keeps_the_text_a_person_reads():
    html = render_instructions("{{ value }}", {"value": "A-1 (b) [c] 50% *x*"})
    assert "A-1 (b) [c] 50% *x*" in html


def test_escape_markdown_escapes_each_markdown_mark():
    assert escape_markdown("*a*") == r"\*a\*" and escape_markdown(None) == ""


def test_a_template_mistake_raises_a_script_error_naming_the_step():
    with pytest.raises(ScriptError, match="check: the instructions of this step cannot be shown"):
        render_instructions("{{ case.number|nosuchfilter }}", {"case": CASE}, element_id="check")
    with pytest.raises(ScriptError, match="cannot be shown"):
        render_instructions("{{ case.__class__.__mro__ }}", {"case": CASE}, element_id="check")


def test_check_instructions_reports_syntax_errors_with_their_line():
    assert check_instructions("fine {{ case.number }}") is None
    message = check_instructions("line one\n{% if case.number %}no end")
    assert message.startswith("instructions line 2: Unexpected end of template") and "'endif'" in message
