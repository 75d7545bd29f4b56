"""The studio's letter preview: a template text as the analyst has it in the editor (saved or not),
with the other letters as the workspace holds them (drafts over the letters in force), rendered
for a real case found by its application number, with the very context the send_letter operator
builds for it (engine.operators.office_letters.case_letter_context). Nothing is stored.

A template that fails comes back as LetterProblem (the template, the line, a sentence), never as an
unexpected error. The examiner's `reasons` come from the process step that sends the letter; a
preview shows REASONS_PLACEHOLDER where they go.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.container import Ipflow
from engine.db.models import Case
from engine.db.models.library import LibraryDraft
from engine.errors import InvalidInput, IpflowError, NotFound, Problem
from engine.operators.office_letters import case_letter_context
from engine.services.case_search import find_case_by_number
from engine.services.letter_checks import render_problem
from engine.services.letter_store import deployed_letters, letter_name
from engine.services.workspace import MAX_FILE_BYTES

REASONS_PLACEHOLDER = "[The reasons the examiner writes in the process step that sends this letter appear here.]"


class LetterProblem(InvalidInput):
    """The template cannot be rendered for this case; `problem` names the template and its line."""

    def __init__(self, problem: Problem, name: str):
        self.problem = problem
        where = f"line {problem.line}: " if problem.line else ""
        elsewhere = f" (in {problem.file})" if problem.element_id != name else ""
        self.sentence = f"{where}{problem.message}{elsewhere}"
        super().__init__("the letter cannot be rendered for this case", {"content": [self.sentence]})


@dataclass(frozen=True)
class LetterPreview:
    name: str
    case_number: str  # as the register writes it
    subject: str
    html: str


def preview_letter(ctx: Ipflow, path: str, content: str, case_number: str) -> LetterPreview:
    """The letter at `path`, its text `content`, rendered as HTML for the case `case_number`."""
    name, renderer, context, number = _prepare(ctx, path, content, case_number)
    try:
        _, html, subject = renderer.compose(name, context)
    except IpflowError as exc:
        raise LetterProblem(render_problem(exc, name), name) from exc
    return LetterPreview(name, number, subject, html)


def preview_letter_pdf(ctx: Ipflow, path: str, content: str, case_number: str) -> tuple[str, bytes]:
    """The same letter as PDF: (file name, bytes)."""
    name, renderer, context, number = _prepare(ctx, path, content, case_number)
    try:
        letter = renderer.render(name, context)
    except IpflowError as exc:
        raise LetterProblem(render_problem(exc, name), name) from exc
    return f"{number}-{name}-preview.pdf", letter.pdf


def _prepare(ctx: Ipflow, path: str, content: str, case_number: str):
    name = letter_name(path)
    if name is None:
        raise InvalidInput(
            "only a letter can be previewed", {"path": [f"{path!r} is not a letter; letters are letters/<name>.html.j2."]}
        )
    if name.startswith("_"):
        raise InvalidInput(
            f"{name} is a partial, which is not sent by itself",
            {"path": ["Preview a letter that uses it: the preview takes this editor's text only for this file."]},
        )
    if not isinstance(content, str) or len(content.encode("utf-8")) > MAX_FILE_BYTES:
        raise InvalidInput("the template cannot be previewed", {"content": ["Send the template as text of at most 2 MiB."]})
    number = (case_number or "").strip() if isinstance(case_number, str) else ""
    if not number:
        raise InvalidInput("which case?", {"case_number": ["Give the application number of a case, e.g. 40-2026-000123."]})
    case_id = find_case_by_number(ctx, number)
    if case_id is None:
        raise NotFound(f"no case has the application number {number!r}; check the number (a case gets one once it is filed)")
    with ctx.db.reading() as session:
        texts = {letter_name(p): letter.text for p, letter in deployed_letters(ctx, session).items()}
        drafts = session.execute(select(LibraryDraft.path, LibraryDraft.content).where(LibraryDraft.kind == "letter"))
        texts.update({letter_name(p): text for p, text in drafts})
        texts[name] = content
        case = session.get(Case, case_id)
        today = ctx.clock.now().astimezone(ctx.office_zone).date()
        context = case_letter_context(session, ctx.settings, case, today, reasons=REASONS_PLACEHOLDER)
        number = case.application_number or number
    return name, ctx.letters.with_templates(texts), context, number


__all__ = ["LetterPreview", "LetterProblem", "preview_letter", "preview_letter_pdf"]
