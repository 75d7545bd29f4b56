"""One library file in an editor: open it, save it (which validates the whole workspace), discard
the draft, and the pick lists the editors offer. The editors talk JSON to these routes."""

from __future__ import annotations

from dataclasses import asdict

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from engine.errors import Conflict, InvalidInput, NotFound
from engine.services.studio_catalog import studio_catalog
from engine.services.workspace import discard_draft, open_file, save_file
from webui.designer import bp
from webui.designer.views import STUDIO
from webui.navigation import ipflow
from webui.security import roles_required


@bp.get("/edit/<path:path>")
@roles_required(*STUDIO)
def edit(path: str):
    found = open_file(ipflow(), path)
    return render_template(
        "studio/editor.html", file=found, file_url=url_for("designer.file", path=path), save_url=url_for("designer.save", path=path),
        catalog_url=url_for("designer.catalog"), back_url=url_for("designer.index"),
    )  # fmt: skip


@bp.get("/files/<path:path>")
@roles_required(*STUDIO)
def file(path: str):
    found = open_file(ipflow(), path)
    return jsonify(path=found.path, kind=found.kind, content=found.content, sha256=found.sha256, drafted=found.drafted,
                   problems=[asdict(p) for p in found.problems])


@bp.post("/files/<path:path>")
@roles_required(*STUDIO)
def save(path: str):
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("content"), str):
        return _problem(400, "Bad request", "Send JSON: {\"content\": \"…\", \"expected_sha256\": \"…\"}.")
    try:
        result = save_file(ipflow(), path, body["content"], current_user.username, _expected(body))
    except InvalidInput as exc:
        return _problem(400, "Not saved", str(exc), exc.fields)
    except Conflict as exc:
        return _problem(409, "Saved by someone else meanwhile", str(exc))
    except NotFound as exc:
        return _problem(404, "Not found", str(exc))
    return jsonify(sha256=result.sha256, drafted=result.drafted, problems=[asdict(p) for p in result.problems])


@bp.post("/files/<path:path>/discard")
@roles_required(*STUDIO)
def discard(path: str):
    discard_draft(ipflow(), path, current_user.username)
    flash(f"The draft of {path} was discarded; the deployed file stays.", "success")
    return redirect(url_for("designer.index"))


@bp.get("/catalog.json")
@roles_required(*STUDIO)
def catalog():
    return jsonify(asdict(studio_catalog(ipflow())))


def _expected(body: dict) -> str | None:
    """The sha the editor loaded: absent means "no check", "" means "I expect no such file yet"."""
    value = body.get("expected_sha256")
    return value if isinstance(value, str) else None


def _problem(status: int, title: str, detail: str, errors: dict | None = None):
    return jsonify(status=status, title=title, detail=detail, errors=errors or {}), status
