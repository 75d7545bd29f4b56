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

Where templates come from: each name (partials too) is looked up first in the texts the renderer
is given (`stored`, a callable asked once per render, e.g. the letters deployed from the studio;
or a fixed mapping through `with_templates`), then in the folder (forms/letters/, shipped with the
release). The renderer knows nothing of where the texts are kept.

PDF: engine.domain.letter_pdf lays the HTML out (fpdf2's HTML subset, no CSS).
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from engine.domain.letter_pdf import LetterFonts, letter_pdf
from engine.errors import IpflowError, NotFound, Problem, ScriptError

SUFFIX = ".html.j2"
OPTIONAL_BLOCKS = ("representative", "fee_sheet", "deadline", "publication", "reasons")
MONTHS = "January February March April May June July August September October November December".split()


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
    """Renders the letter templates of one folder (usually forms/letters/), with the texts of
    `stored` (name without .html.j2 -> template text) taking the place of the folder's files."""

    def __init__(
        self,
        templates_dir: Path,
        stored: Callable[[], Mapping[str, str]] | None = None,
        texts: Mapping[str, str] | None = None,
        fonts: LetterFonts | None = None,
    ):
        self.templates_dir = Path(templates_dir).resolve()
        self._stored = stored
        self._fixed: Mapping[str, str] = MappingProxyType(dict(texts or {}))
        self._current: Mapping[str, str] = self._fixed
        self.env = ImmutableSandboxedEnvironment(
            loader=jinja2.FunctionLoader(self._source),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2", "html"), default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["date"] = format_date
        self.env.filters["money"] = format_money
        self._fonts = fonts or LetterFonts()

    def with_templates(self, texts: Mapping[str, str]) -> LetterRenderer:
        """A renderer of the same folder with `texts` (name -> template text) in place of its files,
        e.g. the studio's workspace; nothing stored is asked. The fonts are shared."""
        return LetterRenderer(self.templates_dir, texts=texts, fonts=self._fonts)

    def names(self) -> list[str]:
        """The letters one can render: every `*.html.j2` but the `_` partials, without the suffix."""
        self._refresh()
        return self._names()

    def _names(self) -> list[str]:
        on_disk = {p.name[: -len(SUFFIX)] for p in self.templates_dir.glob(f"*{SUFFIX}")}
        return sorted(n for n in on_disk | set(self._current) if not n.startswith("_"))

    def _refresh(self) -> None:
        """Ask `stored` for its texts; when they are a new mapping, cached templates reload."""
        if self._stored is not None:
            self._current = self._stored()

    def _source(self, template: str) -> tuple[str, str, Callable[[], bool]] | None:
        pieces = jinja2.loaders.split_template_path(template)  # refuses '..'
        if len(pieces) != 1:
            return None
        name, path, held = template.removesuffix(SUFFIX), self.templates_dir / template, self._current
        # Every template claims its file's place, so errors name letters/<name> and its line alike.
        if name in held:
            return held[name], str(path), lambda: self._current is held
        try:
            mtime = path.stat().st_mtime_ns
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        return source, str(path), lambda: self._current is held and _mtime(path) == mtime

    def render(self, name: str, context: Mapping[str, Any]) -> RenderedLetter:
        """The letter as HTML, PDF and the subject line from its `{% block subject %}`."""
        name, html, subject = self.compose(name, context)
        return RenderedLetter(name=name, html=html, pdf=self._pdf(html, f"letters/{name}"), subject=subject)

    def compose(self, name: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
        """(name, html, subject) without the PDF; an empty subject is an error here too."""
        name = name.removesuffix(SUFFIX)
        self._refresh()
        html, subject = self._render(name, context)
        if not subject:
            raise ScriptError("the subject is empty: fill {% block subject %}", element_id=f"letters/{name}")
        return name, html, subject

    def render_html(self, name: str, context: Mapping[str, Any]) -> str:
        self._refresh()
        return self._render(name.removesuffix(SUFFIX), context)[0]

    def render_pdf(self, html: str) -> bytes:
        """An A4 PDF of a rendered letter (fpdf2's HTML subset; the <head> and its CSS are skipped)."""
        return self._pdf(html, "letters")

    def _pdf(self, html: str, element_id: str) -> bytes:
        try:
            return letter_pdf(html, self._fonts)
        except Exception as exc:  # fpdf2 refuses HTML it cannot lay out (e.g. tags inside a table cell)
            raise ScriptError(f"the letter cannot be laid out as PDF: {exc}", element_id=element_id) from exc

    def check_templates(self, folder: str = "forms/letters") -> list[Problem]:
        """Compile every template (partials too) and check each letter has a subject block: the
        folder's files with the fixed texts (`with_templates`) in their place. Problems name
        `<folder>/<file>`. Texts from `stored` are not asked for: they were checked when saved."""
        if not self.templates_dir.is_dir() and not self._fixed:
            return [Problem(folder, None, "", f"the letter folder {self.templates_dir} does not exist")]
        sources: dict[str, Callable[[], str]] = {
            p.name.removesuffix(SUFFIX): (lambda p=p: p.read_text(encoding="utf-8"))
            for p in self.templates_dir.glob(f"*{SUFFIX}")
        }
        sources.update({name: (lambda text=text: text) for name, text in self._fixed.items()})
        return [p for name in sorted(sources) for p in self._check(name, sources[name], folder)]

    def _check(self, name: str, read: Callable[[], str], folder: str) -> list[Problem]:
        filename = name + SUFFIX
        shown = f"{folder}/{filename}"
        try:
            source = read()
            self.env.compile(source, filename, str(self.templates_dir / filename))
        except jinja2.TemplateSyntaxError as exc:
            return [Problem(shown, exc.lineno, name, exc.message or str(exc))]
        except (OSError, UnicodeDecodeError) as exc:
            return [Problem(shown, None, name, f"cannot read the template: {exc}")]
        if not name.startswith("_") and not re.search(r"{%-?\s*block\s+subject\b", source):
            return [Problem(shown, None, name, "the letter has no {% block subject %}")]
        return []

    def _template(self, name: str) -> jinja2.Template:
        names = self._names()
        if name not in names:
            raise NotFound(f"no letter template {name!r} in {self.templates_dir} (there are: {', '.join(names)})")
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


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _prepared(context: Mapping[str, Any]) -> dict[str, Any]:
    prepared = {key: value for key, value in context.items() if not (key in OPTIONAL_BLOCKS and value in (None, ""))}
    prepared.setdefault("extra", {})
    return prepared
