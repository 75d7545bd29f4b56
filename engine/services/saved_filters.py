"""Saved inbox filters: a named query a person keeps for themself or shares with a role.

Stored as the query's own dict (`InboxQuery.as_dict()`, without the page), so applying one is a
link to the inbox with those values; a stale one is refused by the inbox like a typed URL.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import SavedFilter
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from engine.services.assignment import MANAGER_ROLE, roles_of
from engine.services.inbox_query import InboxQuery

MAX_NAME = 100


@dataclass(frozen=True)
class SavedFilterView:
    id: int
    name: str
    owner: str
    shared_role: str | None  # None: private to the owner
    query: dict
    mine: bool


def visible_filters(session: Session, username: str, roles: frozenset[str]) -> tuple[SavedFilterView, ...]:
    """My own filters, then those shared with one of my roles, each by name."""
    rows = session.scalars(
        select(SavedFilter)
        .where(or_(SavedFilter.owner == username, SavedFilter.shared_role.in_(sorted(roles))))
        .order_by(case((SavedFilter.owner == username, 0), else_=1), SavedFilter.name, SavedFilter.id)
    )
    return tuple(_view(row, username) for row in rows)


def list_filters(ctx: Ipflow, username: str) -> tuple[SavedFilterView, ...]:
    with ctx.db.reading() as session:
        return visible_filters(session, username, roles_of(session, username))


def save_filter(ctx: Ipflow, username: str, name: str, query: InboxQuery, shared_role: str | None = None) -> SavedFilterView:
    """Keep `query` under `name`; my filter of the same name is replaced. Sharing is with one of my roles."""
    name = (name or "").strip()
    shared_role = (shared_role or "").strip() or None
    errors = {}
    if not 1 <= len(name) <= MAX_NAME:
        errors["name"] = [f"Give the filter a name of 1 to {MAX_NAME} characters."]
    values = {k: v for k, v in query.as_dict().items() if k != "page"}
    try:
        with ctx.db.transaction() as session:
            roles = roles_of(session, username)
            if shared_role is not None and shared_role not in roles:
                errors["shared_role"] = [f"Share with one of your roles ({', '.join(sorted(roles)) or 'you have none'})."]
            if errors:
                raise InvalidInput("the filter cannot be saved", errors)
            row = session.scalar(select(SavedFilter).where(SavedFilter.owner == username, SavedFilter.name == name))
            if row is None:
                row = SavedFilter(owner=username, name=name, created_at=ctx.clock.now())
                session.add(row)
            row.shared_role, row.query = shared_role, values
            session.flush()
            return _view(row, username)
    except IntegrityError:  # the same name saved twice at once: the other one won
        raise Conflict(f"a filter named {name!r} was saved at the same moment; try again") from None


def delete_filter(ctx: Ipflow, username: str, filter_id: int) -> SavedFilterView:
    """Delete a filter: its owner may, and a manager may delete one shared with a role."""
    with ctx.db.transaction() as session:
        roles = roles_of(session, username)
        manager = MANAGER_ROLE in roles
        row = session.get(SavedFilter, filter_id)
        mine = row is not None and row.owner == username
        if row is None or not (mine or (row.shared_role is not None and (manager or row.shared_role in roles))):
            raise NotFound(f"no saved filter {filter_id}")  # another person's private filter stays unseen
        if not mine and not manager:
            raise PermissionDenied(f"the filter {row.name!r} belongs to {row.owner}; only they or a manager may delete it")
        deleted = _view(row, username)
        session.delete(row)
        return deleted


def _view(row: SavedFilter, username: str) -> SavedFilterView:
    return SavedFilterView(row.id, row.name, row.owner, row.shared_role, dict(row.query or {}), row.owner == username)
