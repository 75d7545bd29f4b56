"""A rendered letter's HTML laid out as an A4 PDF.

fpdf2's HTML subset (headings, paragraphs, lists, plain-text table cells; no CSS) with the Noto
Sans faces shipped by the pymupdf-fonts wheel (Latin, Greek, Cyrillic), FiraGO from the same wheel
as fallback (Georgian, Armenian, Hebrew, Arabic, Thai, Devanagari; without shaping, so RTL and
Indic text is not laid out properly). No CJK: fpdf2 logs a warning and leaves such glyphs out.
"""

from __future__ import annotations

import html as htmllib
import io
import logging
import re
import tempfile
from pathlib import Path
from threading import Lock

import pymupdf_fonts
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import TextStyle
from fpdf.html import HTML2FPDF

# pymupdf-fonts code -> (family, fpdf2 style). FiraGO fills in scripts Noto Sans lacks (Georgian, Arabic, ...).
FONT_FACES = {
    "notos": ("NotoSans", ""),
    "notosbo": ("NotoSans", "B"),
    "notosit": ("NotoSans", "I"),
    "notosbi": ("NotoSans", "BI"),
    "figo": ("FiraGO", ""),
}
FONT, FALLBACK_FONT = "NotoSans", "FiraGO"
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)


class LetterFonts:
    """The font files fpdf2 reads, written once and shared by the renderers that use them."""

    def __init__(self):
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._lock = Lock()

    def folder(self) -> Path:
        # fpdf2 loads fonts from files only; the wheel ships them as Python bytes, so write them once.
        with self._lock:
            if self._folder is None:
                folder = tempfile.TemporaryDirectory(prefix="ipflow-fonts-")
                for code in FONT_FACES:
                    _write_font_without_layout(pymupdf_fonts.myfont(code), Path(folder.name) / f"{code}.ttf")
                # fontTools warns on every subset about hinting tables it drops; that is expected.
                logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
                self._folder = folder
            return Path(self._folder.name)


def letter_pdf(html: str, fonts: LetterFonts) -> bytes:
    """The PDF of a rendered letter (the <head> and its CSS are skipped); fpdf2's exceptions pass."""
    body = _BODY.search(html)
    title = _TITLE.search(html)
    pdf = _LetterPDF(format="A4", unit="mm")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=20)
    for code, (family, style) in FONT_FACES.items():
        pdf.add_font(family, style, str(fonts.folder() / f"{code}.ttf"))
    pdf.set_fallback_fonts([FALLBACK_FONT])
    pdf.set_font(FONT, size=10)
    if title:
        pdf.set_title(htmllib.unescape(title.group(1)).strip())
    pdf.add_page()
    headings = {
        "h1": TextStyle(font_family=FONT, font_style="B", font_size_pt=13, color="#000000", t_margin=4, b_margin=2),
        "h2": TextStyle(font_family=FONT, font_style="B", font_size_pt=11, color="#000000", t_margin=3, b_margin=1),
    }
    pdf.write_html(body.group(1) if body else html, font_family=FONT, tag_styles=headings, li_prefix_color=(0, 0, 0))
    return bytes(pdf.output())


def _write_font_without_layout(data: bytes, path: Path) -> None:
    """Write a font without its OpenType layout tables. Letters are set without text shaping, so
    fpdf2 never uses them, yet subsetting them took over half of every PDF's rendering time."""
    font = TTFont(io.BytesIO(data))
    for table in ("GSUB", "GPOS", "GDEF", "BASE", "JSTF"):
        if table in font:
            del font[table]
    font.save(str(path))


class _LetterHTML(HTML2FPDF):
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # fpdf2 lays out a table in the PDF's current font, which a <b> before it can leave
        # bold; cells without markup of their own are meant to be regular.
        if tag == "table":
            self.pdf.set_font(style="")
        super().handle_starttag(tag, attrs)


class _LetterPDF(FPDF):
    HTML2FPDF_CLASS = _LetterHTML
