"""Row 7: validate and deploy the whole bpmn/ library (fresh parser per attempt)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.support import Row, bench_ipflow, fresh_database
from engine.services.library import deploy_library, validate_library


def measure(rounds: int = 5) -> list[Row]:
    url = fresh_database()
    ctx = bench_ipflow(url, Path(tempfile.mkdtemp(prefix="ipflow-bench-")))
    times = []
    for n in range(rounds):
        started = time.perf_counter()
        validate_library(ctx)
        deploy_library(ctx, actor=f"bench-{n}")
        times.append(time.perf_counter() - started)
    ctx.db.dispose()
    return [Row("validate + deploy bpmn/", min(times), 2.0, "s", detail=f"best of {rounds}; first {times[0]:.2f} s")]
