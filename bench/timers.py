"""Row 5: pending timers coming due with 2 workers: fire delay p50/p99, exactly once, throughput, RSS.

100k timers wait in the jobs table; `due_count` of them come due during the run at `rate` per
second, the rest stay in the future (they are the load on the index). Then a burst of `burst`
timers already due measures how fast 2 workers clear a backlog.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from itertools import count
from pathlib import Path

from sqlalchemy import func, insert, select

from bench.support import REPO, Row, bench_ipflow, fresh_database, peak_rss_mb, percentile
from engine.db.models import AuditEvent, Job, JobStatus, ProcessInstance
from engine.services.instances import start_instance
from engine.services.library import deploy_library
from engine.services.users import sync_roles_and_demo_users

_batches = count(1)


def seed(ctx, pending: int, due_times: list[datetime]) -> list[int]:
    """One real instance waiting on its timer, cloned in bulk; timers due at `due_times`, the rest in 30 days."""
    far = datetime.now(timezone.utc) + timedelta(days=30)
    far_text = far.isoformat()
    first = start_instance(ctx, "bench_timer", {"fire_at": far_text}, business_key=f"T-{next(_batches)}-0")
    with ctx.db.transaction() as session:
        row = session.get(ProcessInstance, first.id)
        job = session.scalar(select(Job).where(Job.instance_id == first.id))
        template = {c: getattr(row, c) for c in ("definition_version_id", "process_id", "status", "state", "serializer_version",
                                                  "schema_version", "started_by", "created_at", "updated_at")}
        if due_times:
            job.due_at = due_times[0]
            row.state = row.state.replace(far_text, due_times[0].isoformat())
        ids = [first.id]
        for start in range(1, pending, 5000):
            chunk = range(start, min(start + 5000, pending))
            # the timer's due time lives in the state too (the job row mirrors it): write it there
            new = session.scalars(insert(ProcessInstance).returning(ProcessInstance.id), [
                {**template, "business_key": f"T-{first.id}-{n}", "lock_version": 1,
                 "state": template["state"].replace(far_text, due_times[n].isoformat()) if n < len(due_times) else template["state"]}
                for n in chunk]).all()
            session.execute(insert(Job), [
                {"kind": job.kind, "status": JobStatus.PENDING, "instance_id": i, "task_id": job.task_id, "element_id": job.element_id,
                 "due_at": due_times[n] if n < len(due_times) else far, "attempts": 0, "max_attempts": 1,
                 "created_at": job.created_at, "idempotency_key": f"timer:{i}"} for n, i in zip(chunk, new, strict=True)
            ])
            ids.extend(new)
    return ids[: len(due_times)]


def start_workers(url: str, instance: Path, count: int) -> list[subprocess.Popen]:
    env = {**os.environ, "IPFLOW_DATABASE_URL": url, "IPFLOW_INSTANCE_PATH": str(instance), "IPFLOW_CONFIG": str(REPO / "config.yaml")}
    ipflow = str(Path(sys.executable).with_name("ipflow"))
    return [subprocess.Popen([ipflow, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(count)]


def wait_done(ctx, ids: list[int], limit_s: float) -> float:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        with ctx.db.reading() as session:
            left = session.scalar(select(func.count()).select_from(Job).where(Job.instance_id.in_(ids), Job.status != JobStatus.DONE))
        if left == 0:
            return time.monotonic()
        time.sleep(0.5)  # a benchmark polls the database while real workers run; not a test
    return float("nan")


def measure(pending: int = 100_000, due_count: int = 1200, rate: float = 20.0, burst: int = 2000, workers: int = 2) -> list[Row]:
    url = fresh_database()
    instance = Path(tempfile.mkdtemp(prefix="ipflow-bench-"))
    ctx = bench_ipflow(url, instance, bpmn=REPO / "bench" / "data")
    sync_roles_and_demo_users(ctx)
    deploy_library(ctx, actor="bench")
    seed(ctx, pending - due_count, [])  # the load: timers due in 30 days
    # the timers that come due are seeded last, so seeding time never counts as fire delay
    t0 = datetime.now(timezone.utc) + timedelta(seconds=10)
    due = seed(ctx, due_count, [t0 + timedelta(seconds=n / rate) for n in range(due_count)])
    procs = start_workers(url, instance, workers)
    try:
        wait_done(ctx, due, due_count / rate + 600)
        with ctx.db.reading() as session:
            delays = [(f - d).total_seconds() for d, f in session.execute(
                select(Job.due_at, Job.finished_at).where(Job.instance_id.in_(due), Job.status == JobStatus.DONE))]
        burst_ids = seed(ctx, burst, [datetime.now(timezone.utc) - timedelta(seconds=1)] * burst)
        started = time.monotonic()
        ended = wait_done(ctx, burst_ids, 1200)
        rss = max(peak_rss_mb(p.pid) for p in procs)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=60)
    with ctx.db.reading() as session:
        fired = session.execute(select(AuditEvent.instance_id, func.count()).where(AuditEvent.kind == "timer_fired")
                                .group_by(AuditEvent.instance_id)).all()
        early = session.scalar(select(func.count()).select_from(Job).where(Job.status == JobStatus.DONE, Job.finished_at < Job.due_at))
    duplicates = sum(1 for _, n in fired if n > 1) + early
    missed = due_count + burst - sum(1 for _, n in fired)
    ctx.db.dispose()
    label = f"{pending // 1000}k pending, {due_count} due at {rate:g}/s, {workers} workers"
    return [
        Row("timers: fire delay p50", percentile(delays, 50), 2.0, "s", detail=label),
        Row("timers: fire delay p99", percentile(delays, 99), 2.0, "s", detail=label),
        Row("timers: duplicates + missed", duplicates + missed, 0, "jobs", detail=f"{duplicates} duplicate/early, {missed} missed"),
        Row("timers: backlog throughput", burst / (ended - started), 20.0, "jobs/s", higher_is_better=True, detail=f"{burst} due at once"),
        Row("worker peak RSS", rss, 250.0, "MB", detail=f"max of {workers} worker processes"),
    ]
