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


def complete_in_child(config_env: dict, library: str, task_id: str, user: str, data: dict, barrier, results) -> None:
    """Run in a separate process: wait for the others, then complete one task on a fresh connection."""
    from engine.services.tasks import complete_task
    from engine.settings import load_settings

    settings = load_settings(REPO / "config.yaml", env=config_env)
    settings = settings.replace(bpmn_path=Path(library) / "bpmn", forms_path=Path(library) / "forms")
    ctx = Ipflow.create(settings)
    barrier.wait(timeout=60)
    try:
        complete_task(ctx, task_id, user, data)
        results.put((task_id, "ok"))
    except Exception as exc:  # report anything, so the parent never waits on a dead child
        results.put((task_id, f"{type(exc).__name__}: {exc}"))
    finally:
        ctx.db.dispose()
