"""Starting a new letter in the studio: a draft of `letters/<name>.html.j2` from a short template
that extends the office's layout, so the analyst begins from a letter that already renders."""

from __future__ import annotations

from engine.container import Ipflow
from engine.errors import Conflict, InvalidInput
from engine.services.letter_store import letter_name, letter_path
from engine.services.workspace import save_file, workspace_files

STARTER = """{% extends "_layout.html.j2" %}
{% block subject %}New letter – application No. {{ case.application_number }}{% endblock %}
{% block body %}
<p>Write the letter here. What a letter may use (the case, the applicant, the fee sheet, the
deadline, the publication) is listed at the top of _layout.html.j2.</p>
{% endblock %}
"""


def create_letter(ctx: Ipflow, name: str, actor: str) -> str:
    """Save a first draft of the letter `name`; its workspace path. Refused when the name is not a
    letter name or the letter exists already (in force, shipped or drafted)."""
    name = (name or "").strip() if isinstance(name, str) else ""
    path = letter_path(name)
    if not name or letter_name(path) is None:
        raise InvalidInput(
            "the letter was not created",
            {"name": ["Name the letter in lower-case letters, digits and '_', e.g. opposition_notice."]},
        )
    if name.startswith("_"):
        raise InvalidInput(
            "the letter was not created", {"name": ["A name starting with '_' is a partial; open _layout or _macros instead."]}
        )
    if any(f.path == path for f in workspace_files(ctx)):
        raise Conflict(f"the letter {name} exists already; open {path} to change it")
    save_file(ctx, path, STARTER, actor, expected_sha256="")
    return path


__all__ = ["STARTER", "create_letter"]
