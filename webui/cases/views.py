"""The case file: data, documents (upload, download), comments, history and the process diagram."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from engine.errors import InvalidInput
from engine.services.case_file import case_diagram, case_document, case_file
from engine.services.case_notes import add_comment, upload_document
from webui.cases import bp
from webui.navigation import field_messages, ipflow
from webui.security import STAFF, roles_required

# Shown inline (the mark image); everything else is offered as a download, never rendered here.
INLINE_TYPES = ("image/png", "image/jpeg")


@bp.get("/<int:case_id>", endpoint="case_file")
@roles_required(*STAFF)
def case_file_view(case_id: int):
    return render_template("cases/case_file.html", file=case_file(ipflow(), case_id))


@bp.get("/<int:case_id>/diagram.json")
@roles_required(*STAFF)
def diagram(case_id: int):
    found = case_diagram(ipflow(), case_id)
    return jsonify(process_id=found.process_id, xml=found.xml, completed=list(found.completed), current=list(found.current))


@bp.get("/<int:case_id>/documents/<int:document_id>")
@roles_required(*STAFF)
def document(case_id: int, document_id: int):
    view, content = case_document(ipflow(), case_id, document_id)
    inline = request.args.get("inline") == "1" and view.media_type in INLINE_TYPES
    response = Response(content, mimetype=view.media_type)
    response.headers["Content-Disposition"] = _disposition("inline" if inline else "attachment", view.name)
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.post("/<int:case_id>/documents")
@roles_required(*STAFF)
def upload(case_id: int):
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        flash("Choose a file to upload.", "error")
        return redirect(url_for("cases.case_file", case_id=case_id, _anchor="documents"))
    try:
        upload_document(ipflow(), case_id, current_user.username, sent.filename, sent.read())
    except InvalidInput as exc:
        flash(f"“{sent.filename}” was not uploaded: " + " ".join(field_messages(exc)), "error")
    else:
        flash(f"“{sent.filename}” uploaded.", "success")
    return redirect(url_for("cases.case_file", case_id=case_id, _anchor="documents"))


@bp.post("/<int:case_id>/comments")
@roles_required(*STAFF)
def comment(case_id: int):
    try:
        add_comment(ipflow(), case_id, current_user.username, request.form.get("body", ""))
    except InvalidInput as exc:
        flash("The comment was not added: " + " ".join(field_messages(exc)), "error")
    else:
        flash("Comment added.", "success")
    return redirect(url_for("cases.case_file", case_id=case_id, _anchor="comments"))


def _disposition(kind: str, name: str) -> str:
    """RFC 6266 with an ASCII fallback and the UTF-8 name (names are already free of control characters)."""
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
