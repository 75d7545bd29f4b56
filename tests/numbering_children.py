"""The child side of tests/integration/test_numbering__concurrent.py: a worker process that files
and numbers cases in its own transactions (spawned children import this module by name)."""

from __future__ import annotations

import os
from datetime import datetime, timezone

from engine.clock import ManualClock
from engine.db.session import Database
from engine.services.cases import create_case
from engine.services.numbering import assign_number
from engine.settings import load_settings
from ipflow_testing import REPO

APPLICATION = {
    "title": "NORTHWIND",
    "applicants": [{"name": "Northwind Ltd", "address": "1 Quay St, Varna", "country": "BG"}],
    "mark_type": "word",
    "goods_services": [{"nice_class": 30, "terms": "Coffee, tea"}],
}


class Abandoned(Exception):
    """Raised inside a unit of work on purpose, so that it rolls back after numbering."""


def number_cases_in_child(config_env: dict, count: int, rollback_every: int, barrier, results) -> None:
    """Wait for the other workers, then file `count` cases, rolling back every `rollback_every`-th
    one after its number was issued. Reports (pid, committed numbers, rolled-back numbers, error)."""
    settings = load_settings(REPO / "config.yaml", env=config_env)
    db = Database(settings.database_url)
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc))
    committed: list[str] = []
    rolled_back: list[str] = []
    error = None
    try:
        barrier.wait(timeout=60)
        for i in range(count):
            try:
                with db.transaction() as session:
                    case = create_case(session, clock, settings, "trademark", APPLICATION)
                    number = assign_number(session, settings, case)
                    if i % rollback_every == rollback_every - 1:
                        raise Abandoned(number)
                committed.append(number)
            except Abandoned as abandoned:
                rolled_back.append(abandoned.args[0])
    except Exception as exc:  # report anything, so the parent never waits on a dead child
        error = f"{type(exc).__name__}: {exc}"
    finally:
        db.dispose()
    results.put((os.getpid(), committed, rolled_back, error))
