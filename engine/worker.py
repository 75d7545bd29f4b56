"""The worker: a sweep that claims due jobs and runs them. APScheduler only ticks the sweep;
every job's state is in the database, so any number of workers can run side by side."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from engine.container import Ipflow
from engine.services.jobs import RunReport, run_due

log = logging.getLogger("ipflow.worker")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def sweep(ctx: Ipflow, owner: str | None = None) -> RunReport | None:
    """One tick: claim a batch, run it, log one structured line when anything happened."""
    owner = owner or worker_name()
    try:
        report = run_due(ctx, owner=owner, limit=ctx.settings.worker.batch_size)
    except Exception:  # the sweep must survive a database hiccup; the next tick tries again
        log.exception(json.dumps({"event": "sweep_failed", "worker": owner}))
        return None
    if report.ran or report.failed or report.released:
        log.info(json.dumps({"event": "sweep", "worker": owner, "ran": len(report.ran), "failed": len(report.failed),
                             "incidents": len(report.incidents), "released": len(report.released)}))
    for job_id, error in report.failed:
        log.warning(json.dumps({"event": "job_failed", "worker": owner, "job": job_id, "error": error}))
    return report


def sweep_until_idle(ctx: Ipflow, owner: str | None = None, max_sweeps: int = 10_000) -> int:
    """Sweep until a sweep finds nothing due (start-up catch-up, tests, benchmarks); jobs run."""
    total = 0
    for _ in range(max_sweeps):
        report = sweep(ctx, owner)
        if report is None or not (report.ran or report.failed or report.released):
            return total
        total += len(report.ran)
    return total


def _schedule(scheduler, ctx: Ipflow) -> None:
    owner = worker_name()
    scheduler.add_job(sweep, "interval", args=[ctx, owner], seconds=ctx.settings.worker.sweep_seconds,
                      max_instances=1, coalesce=True, id="ipflow-sweep")


def start_background_worker(ctx: Ipflow) -> BackgroundScheduler:
    """The in-process worker of `ipflow serve` (embedded default)."""
    scheduler = BackgroundScheduler(timezone="UTC")
    _schedule(scheduler, ctx)
    scheduler.start()
    return scheduler


def run_worker_forever(ctx: Ipflow) -> None:
    """`ipflow worker`: catch up on whatever fell due while no worker ran, then sweep until SIGTERM."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    log.info(json.dumps({"event": "worker_started", "worker": worker_name(), "database": ctx.db.dialect}))
    sweep_until_idle(ctx)
    scheduler = BlockingScheduler(timezone="UTC")
    _schedule(scheduler, ctx)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    log.info(json.dumps({"event": "worker_stopped", "worker": worker_name()}))
