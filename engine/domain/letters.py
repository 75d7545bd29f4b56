"""Letters: analyst-editable Jinja2 templates under forms/letters/, rendered to HTML and PDF.

Templates are content, not code, so they run in Jinja's immutable sandbox with autoescape on and
StrictUndefined (a typo is an error, never a blank). Every template error comes out as a
ScriptError naming `letters/<template>` and the line.

The context a letter gets (dates are ISO strings, amounts numbers or decimal strings):
    office          {name, address, country, email}
    case            {application_number, right_type, filing_date, title, status,
                     classes: [{nice_class, goods_services}] | ipc_classes: [str] | locarno_class,
                     registration_number, expiry_date}  (only what the letter uses must be there)
    applicant       {name, address, country, email}
    representative  optional, same fields; letters are addressed to it when present
    fee_sheet       optional {lines: [{description, quantity, amount}], total, currency, due_date}
    deadline        optional {kind, due_date, legal_kind: 'statutory' | 'office-set'}
    publication     optional {gazette_number, published_on}
    reasons         optional text written by an examiner (escaped like every value)
    today           the date of the letter
    extra           dict of anything else (e.g. your_reference, signatory {name, role})
An optional block given as None is treated as absent, so templates test it with `is defined`.

PDF: fpdf2's HTML subset (headings, paragraphs, lists, plain-text table cells; no CSS) with the
Noto Sans faces shipped by the pymupdf-fonts wheel (Latin, Greek, Cyrillic), FiraGO from the same
wheel as fallback (Georgian, Armenian, Hebrew, Arabic, Thai, Devanagari; without shaping, so RTL and
Indic text is not laid out properly). No CJK: fpdf2 logs a warning and leaves such glyphs out.
"""

from __future__ import annotations

import html as htmllib
import io
import logging
import re
import tempfile
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import jinja2
import pymupdf_fonts
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import TextStyle
from fpdf.html import HTML2FPDF
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from engine.errors import IpflowError, NotFound, Problem, ScriptError

SUFFIX = ".html.j2"
OPTIONAL_BLOCKS = ("representative", "fee_sheet", "deadline", "publication", "reasons")
MONTHS = "January February March April May June July August September October November December".split()
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


@dataclass(frozen=True)
class RenderedLetter:
    name: str
    html: str
    pdf: bytes
    subject: str


def format_date(value: date | datetime | str) -> str:
    """'2026-03-02' (or a date) -> '2 March 2026', the same in every locale."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"expected an ISO date like 2026-03-02, got {value!r}") from None
    if not isinstance(value, date):
        raise ValueError(f"expected an ISO date like 2026-03-02, got {value!r}")
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def format_money(amount: Any, currency: str = "") -> str:
    """520 -> '520.00 BGN'; rounds half up to the cent, groups thousands with commas."""
    try:
        cents = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise ValueError(f"expected an amount, got {amount!r}") from None
    return f"{cents:,.2f} {currency}".strip()


class LetterRenderer:
    """Renders the letter templates of one folder (usually forms/letters/)."""

    def __init__(self, templates_dir: Path):
        self.templates_dir = Path(templates_dir).resolve()
        self.env = ImmutableSandboxedEnvironment(
            loader=jinja2.FileSystemLoader(self.templates_dir),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2", "html"), default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["date"] = format_date
        self.env.filters["money"] = format_money
        self._fonts: tempfile.TemporaryDirectory[str] | None = None

    def names(self) -> list[str]:
        """The letters one can render: every `*.html.j2` but the `_` partials, without the suffix."""
        return sorted(p.name[: -len(SUFFIX)] for p in self.templates_dir.glob(f"*{SUFFIX}") if not p.name.startswith("_"))

    def render(self, name: str, context: Mapping[str, Any]) -> RenderedLetter:
        """The letter as HTML, PDF and the subject line from its `{% block subject %}`."""
        name = name.removesuffix(SUFFIX)
        html, subject = self._render(name, context)
        if not subject:
            raise ScriptError("the subject is empty: fill {% block subject %}", element_id=f"letters/{name}")
        return RenderedLetter(name=name, html=html, pdf=self._pdf(html, f"letters/{name}"), subject=subject)

    def render_html(self, name: str, context: Mapping[str, Any]) -> str:
        return self._render(name.removesuffix(SUFFIX), context)[0]

    def render_pdf(self, html: str) -> bytes:
        """An A4 PDF of a rendered letter (fpdf2's HTML subset; the <head> and its CSS are skipped)."""
        return self._pdf(html, "letters")

    def _pdf(self, html: str, element_id: str) -> bytes:
        body = _BODY.search(html)
        title = _TITLE.search(html)
        pdf = _LetterPDF(format="A4", unit="mm")
        pdf.set_margins(20, 18, 20)
        pdf.set_auto_page_break(True, margin=20)
        for code, (family, style) in FONT_FACES.items():
            pdf.add_font(family, style, str(self._font_dir() / f"{code}.ttf"))
        pdf.set_fallback_fonts([FALLBACK_FONT])
        pdf.set_font(FONT, size=10)
        if title:
            pdf.set_title(htmllib.unescape(title.group(1)).strip())
        pdf.add_page()
        headings = {
            "h1": TextStyle(font_family=FONT, font_style="B", font_size_pt=13, color="#000000", t_margin=4, b_margin=2),
            "h2": TextStyle(font_family=FONT, font_style="B", font_size_pt=11, color="#000000", t_margin=3, b_margin=1),
        }
        try:
            pdf.write_html(body.group(1) if body else html, font_family=FONT, tag_styles=headings, li_prefix_color=(0, 0, 0))
            return bytes(pdf.output())
        except Exception as exc:  # fpdf2 refuses HTML it cannot lay out (e.g. tags inside a table cell)
            raise ScriptError(f"the letter cannot be laid out as PDF: {exc}", element_id=element_id) from exc

    def check_templates(self) -> list[Problem]:
        """Compile every template (partials too) and check each letter has a subject block."""
        if not self.templates_dir.is_dir():
            return [Problem("forms/letters", None, "", f"the letter folder {self.templates_dir} does not exist")]
        problems: list[Problem] = []
        for path in sorted(self.templates_dir.glob("*.j2")):
            name = path.name.removesuffix(SUFFIX)
            shown = f"forms/letters/{path.name}"
            try:
                source = path.read_text(encoding="utf-8")
                self.env.compile(source, path.name, str(path))
            except jinja2.TemplateSyntaxError as exc:
                problems.append(Problem(shown, exc.lineno, name, exc.message or str(exc)))
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(Problem(shown, None, name, f"cannot read the template: {exc}"))
            else:
                if not path.name.startswith("_") and not re.search(r"{%-?\s*block\s+subject\b", source):
                    problems.append(Problem(shown, None, name, "the letter has no {% block subject %}"))
        return problems

    def _template(self, name: str) -> jinja2.Template:
        if name not in self.names():
            raise NotFound(f"no letter template {name!r} in {self.templates_dir} (there are: {', '.join(self.names())})")
        try:
            return self.env.get_template(name + SUFFIX)
        except Exception as exc:
            raise self._script_error(name, exc) from exc

    def _render(self, name: str, context: Mapping[str, Any]) -> tuple[str, str]:
        """(html, subject). Like Template.render, but keeps the context so that the subject block
        sees what the template imported; handle_exception puts template lines in the traceback."""
        template = self._template(name)
        try:
            try:
                ctx = template.new_context(_prepared(context))
                html = self.env.concat(template.root_render_func(ctx))
                blocks = ctx.blocks.get("subject")
                subject = self.env.concat(blocks[0](ctx)) if blocks else ""
            except Exception:
                self.env.handle_exception()
        except Exception as exc:
            raise self._script_error(name, exc) from exc
        return html, " ".join(Markup(subject).striptags().split())

    def _script_error(self, name: str, exc: Exception) -> IpflowError:
        if isinstance(exc, IpflowError):
            return exc
        where, line = name, None
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            # Jinja rewrites the traceback so template frames carry the template file and line.
            filename = Path(frame.f_code.co_filename)
            if filename.name.endswith(SUFFIX) and filename.parent == self.templates_dir:
                where, line = filename.name.removesuffix(SUFFIX), lineno
        if isinstance(exc, SecurityError):
            message = f"refused by the sandbox: {exc}"
        elif isinstance(exc, jinja2.UndefinedError):
            message = f"{exc.message} (the context lacks it, or the name is misspelt)"
        elif isinstance(exc, jinja2.TemplateSyntaxError):
            where, line = (exc.name or where).removesuffix(SUFFIX), exc.lineno
            message = f"template syntax error: {exc.message}"
        elif isinstance(exc, jinja2.TemplateNotFound):
            message = f"the template includes {exc.name!r}, which does not exist"
        else:
            message = f"{type(exc).__name__}: {exc}"
        return ScriptError(message, element_id=f"letters/{where}", line=line)

    def _font_dir(self) -> Path:
        # fpdf2 loads fonts from files only; the wheel ships them as Python bytes, so write them once.
        if self._fonts is None:
            folder = tempfile.TemporaryDirectory(prefix="ipflow-fonts-")
            for code in FONT_FACES:
                _write_font_without_layout(pymupdf_fonts.myfont(code), Path(folder.name) / f"{code}.ttf")
            # fontTools warns on every subset about hinting tables it drops; that is expected.
            logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
            self._fonts = folder
        return Path(self._fonts.name)


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


def _prepared(context: Mapping[str, Any]) -> dict[str, Any]:
    prepared = {key: value for key, value in context.items() if not (key in OPTIONAL_BLOCKS and value in (None, ""))}
    prepared.setdefault("extra", {})
    return prepared
