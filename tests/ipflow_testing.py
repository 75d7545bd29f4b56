"""Helpers the tests share (conftest modules are not importable by name from test modules)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from engine.container import Ipflow
from engine.db.models import Base

REPO = Path(__file__).resolve().parents[1]


def row_counts(ctx: Ipflow) -> dict[str, int]:
    """How many rows each table holds: tests compare it before and after a refused action."""
    with ctx.db.reading() as session:
        return {name: session.scalar(select(func.count()).select_from(table)) for name, table in Base.metadata.tables.items()}
