"""Worker processes for the worker tests (spawned; each builds its own connections)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from engine.clock import ManualClock
from engine.container import Ipflow
from engine.operators import default_operators
from engine.runtime.operators import OperatorRegistry
from engine.settings import load_settings
from engine.worker import sweep_until_idle
from ipflow_testing import REPO


def test_operators(block_started=None, block_release=None) -> OperatorRegistry:
    """test_flaky answers at once; test_block (when events are given) stops half-way until released."""
    registry = OperatorRegistry()

    @registry.operator("test_flaky", asynchronous=True, tries=3, backoff=(60, 300))
    def flaky(ctx, amount):
        return {"charged": amount, "key": ctx.idempotency_key}

    @registry.operator("test_block", asynchronous=True, tries=3)
    def block(ctx, label):
        from engine.db.models import AuditEvent

        ctx.services["session"].add(AuditEvent(instance_id=ctx.instance_id, kind="side_effect", actor="test",
                                               at=ctx.services["clock"].now(), data={"label": label}))
        ctx.services["session"].flush()
        if block_started is not None:
            block_started.set()
            block_release.wait(120)
        return {"done": label}

    return default_operators().merged(registry)


def make_ipflow(env: dict, library: str, now: datetime, operators=None) -> Ipflow:
    settings = load_settings(REPO / "config.yaml", env=env)
    settings = settings.replace(bpmn_path=Path(library) / "bpmn", forms_path=Path(library) / "forms")
    return Ipflow.create(settings, clock=ManualClock(now), operators=operators or test_operators())


def sweeping_worker(env: dict, library: str, now: datetime, name: str, barrier, results) -> None:
    ctx = make_ipflow(env, library, now)
    try:
        barrier.wait(timeout=120)
        results.put((name, sweep_until_idle(ctx, owner=name)))
    except Exception as exc:  # report, so the parent never waits on a dead child
        results.put((name, f"{type(exc).__name__}: {exc}"))
    finally:
        ctx.db.dispose()


def blocking_worker(env: dict, library: str, now: datetime, started, release) -> None:
    """Runs the one due job and stops inside its operator until killed."""
    ctx = make_ipflow(env, library, now, test_operators(started, release))
    sweep_until_idle(ctx, owner=f"doomed:{os.getpid()}")
