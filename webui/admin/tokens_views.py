"""API tokens: the list with a form to issue one, the answer page that shows the secret once, and
revoking with a confirmation.

The secret exists only in the POST's own response: it is never put in a URL, a flash message or a
log, and the page is sent with Cache-Control: no-store so the browser keeps no copy to go back to."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from engine.errors import Conflict, InvalidInput
from engine.services.api_tokens import describe_token, issue_token, revoke_token, token_overview
from webui.admin import bp
from webui.navigation import ipflow
from webui.security import roles_required

ADMINS = ("admin",)


@bp.get("/tokens")
@roles_required(*ADMINS)
def tokens():
    return render_template("admin/tokens.html", page=token_overview(ipflow()), form={}, errors={})


@bp.post("/tokens")
@roles_required(*ADMINS)
def create_token():
    form = {key: request.form.get(key, "").strip() for key in ("name", "role", "days")}
    days = int(form["days"]) if form["days"].isdigit() and len(form["days"]) < 6 else None
    try:
        issued = issue_token(ipflow(), form["name"], form["role"], days, current_user.username)
    except InvalidInput as exc:
        return _form_again(form, exc.fields or {"": [str(exc)]}, 422)
    except Conflict as exc:
        return _form_again(form, {"name": [f"{str(exc).capitalize()}."]}, 409)
    response = make_response(render_template("admin/token_created.html", issued=issued))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/tokens/<int:token_id>/revoke")
@roles_required(*ADMINS)
def confirm_revoke(token_id: int):
    return render_template("admin/token_revoke.html", token=describe_token(ipflow(), token_id))


@bp.post("/tokens/<int:token_id>/revoke")
@roles_required(*ADMINS)
def revoke(token_id: int):
    token = revoke_token(ipflow(), token_id, current_user.username)
    flash(f"The token {token.name} ({token.prefix}) is revoked: requests sending it are refused from now on.", "success")
    return redirect(url_for("admin.tokens"))


def _form_again(form: dict, errors: dict[str, list[str]], status: int):
    flash("The token was not created; see the messages next to the fields.", "error")
    return render_template("admin/tokens.html", page=token_overview(ipflow()), form=form, errors=errors), status
