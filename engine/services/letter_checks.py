"""Checking the letters of the studio's workspace: every template compiles and each letter has a
subject (like `ipflow validate` checks forms/letters/), and each changed letter renders against a
sample case of every right type, so that a misspelt name shows up with its line when it is saved
rather than when a process sends the letter.

The samples hold every key the send_letter operator's context has (case_letter_context), the
optional blocks too, so a name that is not there is a mistake. A branch the samples do not take
(e.g. `{% else %}` of `{% if deadline is defined %}`) is checked for syntax only.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping

from engine.domain.letters import LetterRenderer
from engine.errors import IpflowError, Problem, ScriptError
from engine.services.letter_store import letter_path

_PARTY = {"name": "Sample Applicant Ltd", "address": "1 Sample Street\n1000 Sofia", "country": "BG", "email": "ip@sample.example"}
SAMPLE = {
    "office": {
        "name": "The Office",
        "address": "52B Sample Blvd.\n1040 Sofia",
        "country": "BG",
        "email": "office@sample.example",
    },
    "case": {
        "application_number": "40-2026-000001",
        "right_type": "trademark",
        "filing_date": "2026-03-02",
        "title": "SAMPLE",
        "status": "examination",
        "classes": [{"nice_class": 9, "goods_services": "Computer software"}],
        "ipc_classes": [],
        "locarno_class": "",
        "registration_number": "123456",
        "expiry_date": "2036-03-02",
    },
    "applicant": _PARTY,
    "representative": {**_PARTY, "name": "Sample Representative"},
    "fee_sheet": {
        "lines": [{"description": "Application fee", "quantity": 1, "amount": 520}],
        "total": "520.00",
        "currency": "BGN",
        "due_date": "2026-04-02",
    },
    "deadline": {"kind": "reply", "due_date": "2026-05-04", "legal_kind": "office-set"},
    "publication": {"gazette_number": "2026/14", "published_on": "2026-04-15"},
    "reasons": "Sample reasons.",
    "today": "2026-03-04",
    "extra": {},
}
_CASES = {
    "trademark": {},
    "patent": {"classes": [], "ipc_classes": ["H02S 40/10"], "title": "Sample invention"},
    "design": {"classes": [], "locarno_class": "07-01", "title": "Sample product"},
}


def sample_contexts() -> dict[str, dict]:
    """A full letter context for a sample case of each right type."""
    samples = {}
    for right_type, changes in _CASES.items():
        sample = copy.deepcopy(SAMPLE)
        sample["case"].update(right_type=right_type, **copy.deepcopy(changes))
        samples[right_type] = sample
    return samples


def check_letters(renderer: LetterRenderer, texts: Mapping[str, str], changed: Iterable[str]) -> list[Problem]:
    """Problems of the letters `texts` (name -> template text, every letter of the workspace) as
    `renderer`'s folder would hold them; the `changed` ones (all, when a partial changed) are
    also rendered against the samples. Each problem names letters/<name>.html.j2 and the line."""
    workspace = renderer.with_templates(texts)
    problems = workspace.check_templates(folder="letters")
    broken = {p.element_id for p in problems}
    changed = set(changed)
    letters = [n for n in sorted(texts) if not n.startswith("_")]
    rendered = letters if any(n.startswith("_") for n in changed) else [n for n in letters if n in changed]
    if any(n.startswith("_") for n in broken):  # every letter would fail on the broken partial again
        return problems
    for name in rendered:
        if name not in broken:
            problems.extend(_render_problems(workspace, name))
    return problems


def render_problem(exc: IpflowError, name: str) -> Problem:
    """A render failure of letter `name` as a problem on the template where it happened."""
    where, line = name, None
    if isinstance(exc, ScriptError):
        where, line = exc.element_id.removeprefix("letters/") or name, exc.line
    text = str(exc)
    prefix = f"{exc.element_id}{f' line {line}' if line else ''}: " if isinstance(exc, ScriptError) else ""
    return Problem(letter_path(where), line, where, text.removeprefix(prefix))


def _render_problems(renderer: LetterRenderer, name: str) -> list[Problem]:
    for right_type, context in sample_contexts().items():
        try:
            renderer.compose(name, context)
        except IpflowError as exc:
            problem = render_problem(exc, name)
            return [
                Problem(
                    problem.file,
                    problem.line,
                    problem.element_id,
                    f"{problem.message} (rendering {name} for a sample {right_type} case)",
                )
            ]
    return []


__all__ = ["SAMPLE", "check_letters", "render_problem", "sample_contexts"]
