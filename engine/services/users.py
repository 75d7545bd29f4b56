"""Use cases of people: roles and the demo users from config.yaml."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from engine.container import Ipflow
from engine.db.models import Role, User


def sync_roles_and_demo_users(ctx: Ipflow) -> dict[str, int]:
    """Create the configured roles and demo users that are missing; existing users keep their password."""
    created = {"roles": 0, "users": 0}
    with ctx.db.transaction() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        for name, title in ctx.settings.roles.items():
            if name not in roles:
                roles[name] = Role(name=name, title=title)
                session.add(roles[name])
                created["roles"] += 1
            else:
                roles[name].title = title
        session.flush()
        for demo in ctx.settings.users:
            user = session.scalar(select(User).where(User.username == demo.username))
            if user is None:
                password = ctx.settings.demo_password or demo.username
                user = User(username=demo.username, name=demo.name, email=demo.email,
                            password_hash=hash_password(password), created_at=ctx.clock.now())
                session.add(user)
                created["users"] += 1
            user.roles = [roles[r] for r in demo.roles]
    return created


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def password_matches(stored_hash: str, password: str) -> bool:
    return bool(stored_hash) and check_password_hash(stored_hash, password)
