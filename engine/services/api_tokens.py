"""Use cases of API tokens: an admin issues one to an integration (shown once), the API
authenticates each request with it, an admin lists and revokes them.

A token reads `ipf_<prefix>_<secret>`. The prefix finds the row and is safe to show; only the
SHA-256 of the secret is stored (the secret is 256 random bits, so a fast hash is enough and a
stolen table gives nothing to replay). Each token acts as a service user named `api-<name>` that
holds exactly the token's role, so tasks, messages and filings check it like any person."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import ApiToken, Role, User
from engine.errors import Conflict, InvalidInput, NotAuthenticated, NotFound

NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,47}\Z")
TOKEN = re.compile(r"ipf_([0-9a-f]{12})_([A-Za-z0-9_-]{43})\Z")
SERVICE_USER_PREFIX = "api-"
MAX_DAYS = 730
LAST_USED_GRAIN = timedelta(minutes=5)  # last_used_at is written at most this often per token


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    prefix: str
    role: str
    username: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"


@dataclass(frozen=True)
class RoleChoice:
    name: str
    title: str


@dataclass(frozen=True)
class TokenOverview:
    """The admin's token page: every token (newest first), the roles one may hold, and now."""

    tokens: tuple[TokenView, ...]
    roles: tuple[RoleChoice, ...]
    now: datetime


@dataclass(frozen=True)
class IssuedToken:
    token: TokenView
    secret: str  # the whole bearer value; shown once, never stored


@dataclass(frozen=True)
class ApiPrincipal:
    """Who is calling: the token and the service user it acts as."""

    token_id: int
    name: str
    role: str
    username: str

    def has_any(self, *roles: str) -> bool:
        return self.role in roles


def issue_token(ctx: Ipflow, name: str, role: str, days: int, actor: str) -> IssuedToken:
    """A new token for the integration `name`, valid for `days`, holding `role`."""
    name = (name or "").strip().lower()
    errors: dict[str, list[str]] = {}
    if not NAME.match(name):
        errors["name"] = ["Use 2 to 48 lower-case letters, digits and dashes, e.g. efiling-portal."]
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        errors["days"] = [f"A token lives from 1 to {MAX_DAYS} days."]
    now = ctx.clock.now()
    with ctx.db.transaction() as session:
        role_row = session.get(Role, role or "")
        if role_row is None:
            known = ", ".join(sorted(session.scalars(select(Role.name))))
            errors["role"] = [f"Choose one of the roles: {known}."]
        if errors:
            raise InvalidInput("the token was not created", errors)
        if session.scalar(
            select(ApiToken.id).where(ApiToken.name == name, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)
        ):
            raise Conflict(f"{name!r} has a valid token; revoke it first or choose another name")
        user = _service_user(session, name, role_row, now)
        prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        row = ApiToken(
            name=name,
            prefix=prefix,
            secret_sha256=_digest(secret),
            role=role,
            user_id=user.id,
            created_by=actor,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        session.add(row)
        session.flush()
        view = _view(row, user.username)
    return IssuedToken(view, f"ipf_{prefix}_{secret}")


def authenticate(ctx: Ipflow, bearer: str | None) -> ApiPrincipal:
    """The caller of a request, from its `Authorization: Bearer …` value; NotAuthenticated says why not."""
    if not bearer:
        raise NotAuthenticated("send the header 'Authorization: Bearer <token>' (an admin issues tokens)")
    found = TOKEN.match(bearer.strip())
    if found is None:
        raise NotAuthenticated("the token is malformed: it reads ipf_<12 hex digits>_<43 characters>")
    prefix, secret = found.groups()
    now = ctx.clock.now()
    with ctx.db.reading() as session:
        row = session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
        if row is None or not hmac.compare_digest(row.secret_sha256, _digest(secret)):
            raise NotAuthenticated("the token is unknown")
        if row.revoked_at is not None:
            raise NotAuthenticated(f"the token {row.name!r} was revoked; ask an admin for a new one")
        if row.expires_at <= now:
            raise NotAuthenticated(
                f"the token {row.name!r} expired on {row.expires_at:%Y-%m-%d %H:%M} UTC; ask an admin for a new one"
            )
        user = session.get(User, row.user_id)
        if user is None or not user.active:
            raise NotAuthenticated(f"the service user of the token {row.name!r} is disabled")
        principal = ApiPrincipal(row.id, row.name, row.role, user.username)
        stale = row.last_used_at is None or now - row.last_used_at >= LAST_USED_GRAIN
    if stale:
        with ctx.db.transaction() as session:
            session.get(ApiToken, principal.token_id).last_used_at = now
    return principal


def describe_token(ctx: Ipflow, token_id: int) -> TokenView:
    with ctx.db.reading() as session:
        row = session.get(ApiToken, token_id)
        if row is None:
            raise NotFound(f"no API token with id {token_id}")
        return _view(row, session.get(User, row.user_id).username)


def list_tokens(ctx: Ipflow) -> list[TokenView]:
    """Every token ever issued, by integration name, newest first within a name."""
    with ctx.db.reading() as session:
        rows = session.execute(
            select(ApiToken, User.username)
            .join(User, User.id == ApiToken.user_id)
            .order_by(ApiToken.name, ApiToken.created_at.desc(), ApiToken.id.desc())
        )
        return [_view(token, username) for token, username in rows]


def token_overview(ctx: Ipflow) -> TokenOverview:
    """What the admin's token page shows."""
    tokens = tuple(list_tokens(ctx))
    with ctx.db.reading() as session:
        roles = tuple(RoleChoice(r.name, r.title) for r in session.scalars(select(Role).order_by(Role.name)))
    return TokenOverview(tokens, roles, ctx.clock.now())


def revoke_token(ctx: Ipflow, token_id: int, actor: str) -> TokenView:
    """Revoke a token at once (its service user stays: the history names it, and a new token may reuse it)."""
    with ctx.db.transaction() as session:
        row = session.get(ApiToken, token_id)
        if row is None:
            raise NotFound(f"no API token with id {token_id}")
        if row.revoked_at is None:
            row.revoked_at = ctx.clock.now()
        return _view(row, session.get(User, row.user_id).username)


def _service_user(session: Session, name: str, role: Role, now: datetime) -> User:
    username = SERVICE_USER_PREFIX + name
    user = session.scalar(select(User).where(User.username == username))
    if user is not None and user.password_hash:  # a person signs in with a password; a service user never does
        raise Conflict(f"{username!r} is a person's user name, so no token can act as it; choose another name")
    if user is None:
        user = User(username=username, name=f"API: {name}", email="", password_hash="", created_at=now)
        session.add(user)
    user.active = True
    user.roles = [role]
    session.flush()
    return user


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _view(row: ApiToken, username: str) -> TokenView:
    return TokenView(
        row.id,
        row.name,
        row.prefix,
        row.role,
        username,
        row.created_by,
        row.created_at,
        row.expires_at,
        row.revoked_at,
        row.last_used_at,
    )
