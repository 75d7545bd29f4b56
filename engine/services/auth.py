"""Use cases of signing in: check a password, slow down guessing, load the signed-in person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from engine.container import Ipflow
from engine.db.models import LoginAttempt, User
from engine.errors import Conflict, PermissionDenied
from engine.services.users import password_matches

# Failed sign-ins allowed in the window before further tries are refused unchecked.
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class SignedInUser:
    id: int
    username: str
    name: str
    roles: frozenset[str]

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


def sign_in(ctx: Ipflow, username: str, password: str, remote_addr: str) -> SignedInUser:
    """The person, if the password matches and they have not been guessing; every try is recorded."""
    username = (username or "").strip()[:64]
    now = ctx.clock.now()
    with ctx.db.transaction() as session:
        since = now - WINDOW
        by_user = session.scalar(select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.username == username, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False)))
        by_address = session.scalar(select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.remote_addr == remote_addr, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False)))
        if by_user >= MAX_FAILURES_PER_USER or by_address >= MAX_FAILURES_PER_ADDRESS:
            raise Conflict(f"too many failed sign-ins; wait {int(WINDOW.total_seconds() // 60)} minutes and try again")
        user = session.scalar(select(User).where(User.username == username))
        ok = user is not None and user.active and password_matches(user.password_hash, password or "")
        session.add(LoginAttempt(username=username, remote_addr=remote_addr[:64], at=now, succeeded=ok))
        if not ok:
            signed_in = None
        else:
            signed_in = SignedInUser(user.id, user.username, user.name, user.role_names)
    if signed_in is None:  # committed above: the failed try counts
        raise PermissionDenied("the user name or the password is wrong")
    return signed_in


def load_user(ctx: Ipflow, user_id: int) -> SignedInUser | None:
    with ctx.db.reading() as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            return None
        return SignedInUser(user.id, user.username, user.name, user.role_names)
