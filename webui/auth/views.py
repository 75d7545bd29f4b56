from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

from engine.errors import Conflict, PermissionDenied
from engine.services.auth import sign_in
from webui.auth import bp
from webui.navigation import safe_next
from webui.security import WebUser, public


@bp.get("/login")
@public
def login():
    return render_template("auth/login.html", username="", next=request.args.get("next", ""))


@bp.post("/login")
@public
def login_submit():
    username, password = request.form.get("username", ""), request.form.get("password", "")
    try:
        user = sign_in(current_app.extensions["ipflow"], username, password, request.remote_addr or "-")
    except (PermissionDenied, Conflict) as exc:
        flash(str(exc).capitalize() + ".", "error")
        return render_template("auth/login.html", username=username, next=request.form.get("next", "")), 401
    login_user(WebUser(user))
    return redirect(safe_next(request.form.get("next")) or url_for("home.index"))


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))

