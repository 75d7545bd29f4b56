"""Who calls the API: the bearer token of an integration, checked on every endpoint.

`ApiBlueprint.roles(*roles)` guards a view and documents it: the bearer security scheme, the roles
as `x-required-roles`, and the 401/403 problems. It must sit right under `@bp.route` so that the
token is checked before the body is read (a stranger learns nothing from validation messages)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, request
from flask_smorest import Blueprint

from engine.errors import PermissionDenied
from engine.services.api_tokens import ApiPrincipal, authenticate
from webui.api.problems import PROBLEM_TYPE, ProblemSchema
from webui.navigation import ipflow

# Who may do what over the API (the web UI's rules, plus the integrations' own roles).
STAFF = ("clerk", "examiner", "registrar", "manager")
FILERS = ("efiling", "clerk", "manager")
READERS = ("efiling", "payments", *STAFF)
OPERATORS = ("manager", "admin")
LIBRARY_READERS = ("analyst", "admin", "manager")


class ApiBlueprint(Blueprint):
    def roles(self, *roles: str) -> Callable:
        """A valid token holding one of `roles` (none given: any valid token)."""

        def decorate(view: Callable) -> Callable:
            @wraps(view)
            def guarded(*args, **kwargs):
                caller = authenticate(ipflow(), _bearer())
                if roles and not caller.has_any(*roles):
                    raise PermissionDenied(
                        f"the token {caller.name!r} holds the role {caller.role!r}; this needs one of: {', '.join(roles)}"
                    )
                g.api_principal = caller
                return view(*args, **kwargs)

            guarded.required_roles = roles
            documented = self.doc(security=[{"bearerAuth": []}], **{"x-required-roles": list(roles)})(guarded)
            documented = self.alt_response(
                401,
                schema=ProblemSchema,
                content_type=PROBLEM_TYPE,
                description="No token, or one that is unknown, expired or revoked",
            )(documented)
            return self.alt_response(
                403, schema=ProblemSchema, content_type=PROBLEM_TYPE, description="The token's role may not do this"
            )(documented)

        return decorate


def principal() -> ApiPrincipal:
    """The caller of the current API request (set by `ApiBlueprint.roles`)."""
    return g.api_principal


def _bearer() -> str | None:
    scheme, _, value = (request.headers.get("Authorization") or "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None
