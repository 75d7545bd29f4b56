"""Analysts' Markdown becomes HTML that cannot carry script: raw HTML is escaped, dangerous links are not links."""

from __future__ import annotations

import pytest

from engine.domain.markdown_text import render_markdown


def test_headings_emphasis_and_lists_are_rendered():
    html = render_markdown("# Formalities\n\nCheck **every** item:\n\n- applicant\n- fee\n")
    assert "<h1>Formalities</h1>" in html
    assert "<strong>every</strong>" in html
    assert "<ul>\n<li>applicant</li>\n<li>fee</li>\n</ul>" in html


def test_tables_are_rendered():
    html = render_markdown("| Class | Fee |\n|---|---:|\n| 9 | 100 |\n")
    assert "<table>" in html
    assert "<th>Class</th>" in html
    assert '<td style="text-align:right">100</td>' in html


RAW_HTML = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "Text with <b onmouseover=alert(1)>inline</b> HTML",
    "<div>\n<script>alert(1)</script>\n</div>",
    "<!-- comment --><iframe src=https://evil.example></iframe>",
]
DANGEROUS_ADDRESSES = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "[click](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "![image](data:image/png;base64,iVBORw0KGgo=)",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
]


def found_in(html: str, *fragments: str) -> list[str]:
    """Which of `fragments` the HTML contains (an empty list when it holds none of them)."""
    return [fragment for fragment in fragments if fragment in html]


@pytest.mark.parametrize("source", RAW_HTML)
def test_raw_html_is_escaped_not_passed_through(source):
    html = render_markdown(source)
    assert found_in(html, "<script", "<img", "<b ", "<iframe", "<div") == []
    assert "&lt;" in html


@pytest.mark.parametrize("source", DANGEROUS_ADDRESSES)
def test_script_and_data_addresses_do_not_become_links(source):
    assert found_in(render_markdown(source), "<a ", "<img", "href=", "src=") == []


def test_ordinary_links_are_kept_with_their_address_escaped():
    html = render_markdown('[Nice classes](https://example.org/nice?a=1&b=2 "The \\"list\\"") and [case](/cases/7)')
    assert '<a href="https://example.org/nice?a=1&amp;b=2" title="The &quot;list&quot;">Nice classes</a>' in html
    assert '<a href="/cases/7">case</a>' in html


def test_code_shows_markup_as_text():
    assert render_markdown("`<b>`") == "<p><code>&lt;b&gt;</code></p>\n"


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""


def test_headings_move_down_inside_a_page_and_stop_at_h6():
    assert render_markdown("# Form\n\n##### Deep", heading_offset=2) == "<h3>Form</h3>\n<h6>Deep</h6>\n"
