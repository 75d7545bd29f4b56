"""Who is signed in, and what they may see: Flask-Login, CSRF and the role check every view uses."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, current_app
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

from engine.services.auth import SignedInUser, load_user

# Who works on cases (inbox, task pages, case files, search). Analysts and admins keep to the studio.
STAFF = ("clerk", "examiner", "registrar", "manager")
MANAGERS = ("manager",)

login_manager = LoginManager()
csrf = CSRFProtect()


class WebUser:
    """A signed-in person as Flask-Login wants them (wraps the engine's read model)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, user: SignedInUser):
        self.user = user
        self.username, self.name, self.roles = user.username, user.name, user.roles

    def get_id(self) -> str:
        return str(self.user.id)

    def has_any(self, *roles: str) -> bool:
        return self.user.has_any(*roles)


def init_security(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    csrf.init_app(app)

    @login_manager.user_loader
    def _load(user_id: str):
        try:
            user = load_user(current_app.extensions["ipflow"], int(user_id))
        except ValueError:
            return None
        return WebUser(user) if user else None


def roles_required(*roles: str) -> Callable:
    """Signed in, and holding one of `roles` (none given: any signed-in person)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not current_user.has_any(*roles):
                abort(403)
            return view(*args, **kwargs)

        guarded.required_roles = roles
        return guarded

    return decorate


def public(view: Callable) -> Callable:
    """Marks a view that needs no sign-in (the route walk test checks every view is marked one way)."""
    view.public = True
    return view
