"""Letters in the studio: a new letter, and the editor's preview of a template for a real case (as
HTML for the page's sandboxed frame, or as PDF). Opening and saving a letter go through the
routes of files_views.py like every library file (path letters/<name>.html.j2)."""

from __future__ import annotations

from dataclasses import asdict

from flask import Response, flash, jsonify, redirect, request, url_for
from flask_login import current_user

from engine.errors import Conflict, InvalidInput, NotFound
from engine.services.letter_creation import create_letter
from engine.services.letter_preview import LetterProblem, preview_letter, preview_letter_pdf
from webui.designer import bp
from webui.designer.views import STUDIO
from webui.errors import respond
from webui.navigation import field_messages, ipflow
from webui.security import roles_required

PREVIEW_FIELDS = ("path", "content", "case_number")


@bp.post("/letters/new")
@roles_required(*STUDIO)
def new_letter():
    try:
        path = create_letter(ipflow(), request.form.get("name", ""), current_user.username)
    except InvalidInput as exc:
        flash("No letter was created: " + " ".join(field_messages(exc)), "error")
        return redirect(url_for("designer.index"))
    except Conflict as exc:
        flash(f"No letter was created: {exc}.", "error")
        return redirect(url_for("designer.index"))
    flash(f"A draft of {path} was created; it is deployed with the other drafts.", "success")
    return redirect(url_for("designer.edit", path=path))


@bp.post("/letters/preview")
@roles_required(*STUDIO)
def letter_preview():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not all(isinstance(body.get(key), str) for key in PREVIEW_FIELDS):
        return _problem(400, "Bad request", 'Send JSON: {"path": "letters/….html.j2", "content": "…", "case_number": "…"}.')
    try:
        preview = preview_letter(ipflow(), body["path"], body["content"], body["case_number"])
    except LetterProblem as exc:
        return _problem(400, "The letter cannot be rendered", exc.sentence, problem=asdict(exc.problem))
    except InvalidInput as exc:
        return _problem(400, "Nothing to preview", " ".join(field_messages(exc)), errors=exc.fields)
    except NotFound as exc:
        return _problem(404, "No such case", str(exc))
    return jsonify(html=preview.html, subject=preview.subject, case_number=preview.case_number)


@bp.post("/letters/preview.pdf")
@roles_required(*STUDIO)
def letter_preview_pdf():
    form = request.form
    try:
        name, pdf = preview_letter_pdf(ipflow(), *(form.get(key, "") for key in PREVIEW_FIELDS))
    except LetterProblem as exc:
        return respond(400, "The letter cannot be rendered", exc.sentence)
    except InvalidInput as exc:
        return respond(400, "Nothing to preview", " ".join(field_messages(exc)))
    response = Response(pdf, mimetype="application/pdf")
    response.headers.set("Content-Disposition", "inline", filename=name)
    return response


def _problem(status: int, title: str, detail: str, errors: dict | None = None, problem: dict | None = None):
    return jsonify(status=status, title=title, detail=detail, errors=errors or {}, problem=problem), status
