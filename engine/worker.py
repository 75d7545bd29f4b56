"""The sweep that runs due jobs. APScheduler only ticks it; every job's state is in the database."""

from __future__ import annotations

import json
import logging
import signal

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from engine.container import Ipflow
from engine.services.jobs import run_due

log = logging.getLogger("ipflow.worker")


def sweep(ctx: Ipflow) -> None:
    """One tick: run what is due, log one structured line when anything happened."""
    try:
        report = run_due(ctx, limit=ctx.settings.worker.batch_size)
    except Exception:  # the sweep must survive a database hiccup; the next tick tries again
        log.exception("sweep failed")
        return
    if report.ran or report.failed:
        log.info(json.dumps({"event": "sweep", "ran": len(report.ran), "failed": len(report.failed), "incidents": len(report.incidents)}))


def _schedule(scheduler, ctx: Ipflow) -> None:
    scheduler.add_job(sweep, "interval", args=[ctx], seconds=ctx.settings.worker.sweep_seconds,
                      max_instances=1, coalesce=True, id="ipflow-sweep")


def start_background_worker(ctx: Ipflow) -> BackgroundScheduler:
    """The in-process worker of `ipflow serve` (embedded default)."""
    scheduler = BackgroundScheduler(timezone="UTC")
    _schedule(scheduler, ctx)
    scheduler.start()
    return scheduler


def run_worker_forever(ctx: Ipflow) -> None:
    """`ipflow worker`: sweep until SIGTERM or Ctrl-C."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    scheduler = BlockingScheduler(timezone="UTC")
    _schedule(scheduler, ctx)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    log.info(json.dumps({"event": "worker_started", "database": ctx.db.dialect}))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
