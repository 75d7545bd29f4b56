"""Row "throughput": trademark lifecycles per second, filed -> registered, on PostgreSQL.

The real library (bpmn/) runs. Filers file applications and pay the filing fee through the message
service; simulated examiners (threads) claim the first open task they can do and complete it; two
worker processes fire the timers. The office clock runs fast (bench/lifecycle_support.FastClock,
the same in every process), so the three-month opposition period passes in a few seconds and the
workers fire it; a lifecycle ends when the case is registered (the instance then waits years for
the renewal reminder). Run twice: letters with their PDF, and letters stored as HTML only.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from bench import memory
from bench.lifecycle_support import FastClock, bench_env, ipflow_from_env, start_process, stop
from bench.support import Row, fresh_database, peak_rss_mb
from engine.db.models import AuditEvent, Case, FeeSheet, HumanTask, TaskStatus
from engine.errors import Conflict
from engine.services import assignment
from engine.services.filing import file_application
from engine.services.library import deploy_library
from engine.services.messages import deliver_message
from engine.services.tasks import complete_task, list_tasks
from engine.services.users import sync_roles_and_demo_users

TARGET = 20.0
# Wall seconds an office day lasts. Fast enough that the opposition period (3 months) passes in seconds, slow
# enough that a filing is paid within its 2-month time limit and no renewal reminder falls due during the run.
SECONDS_PER_DAY = {"html": 0.05, "pdf": 0.25}
USER_FOR_ROLE = {"clerk": "clerk", "examiner": "examiner", "registrar": "registrar"}
FORMS = {
    "check": {"filing_date_met": "yes", "requirements_present": ["applicant", "mark", "goods"]},
    "formalities": {"representative_ok": True, "priority_ok": True},
    "classification": {"classes_confirmed": True, "class_count_checked": 1},
    "examination": {"decision": "accept"},
}


def filing(n: int) -> dict:
    # No e-mail address: letters stay on file for the post, no mail jobs (there is no SMTP server).
    return {
        "title": f"BENCH MARK {n}",
        "mark_type": "word",
        "mark_kind": "individual",
        "verbal_element": f"BENCH MARK {n}",
        "applicants": [{"name": f"Bench {n} Ltd", "address": "1 Main Street, Sofia", "country": "BG"}],
        "goods_services": [{"nice_class": 3, "terms": "Soaps"}],
    }


def file_and_pay(ctx, numbers: list[int], errors: list[str], spent: dict[str, list[float]]) -> None:
    for n in numbers:
        try:
            started = time.perf_counter()
            filed = file_application(ctx, "trademark", filing(n), actor="e-filing")
            spent["file"].append(time.perf_counter() - started)
            with ctx.db.reading() as session:
                total = session.scalar(select(FeeSheet.total).where(FeeSheet.case_id == filed.case_id, FeeSheet.status == "due"))
            started = time.perf_counter()
            deliver_message(
                ctx,
                "payment_received",
                {"business_key": filed.application_number},
                {"amount": str(total), "reference": f"PAY-{n}"},
                actor="bank",
            )
            spent["pay"].append(time.perf_counter() - started)
        except Exception as exc:  # counted and shown in the row: a benchmark reports, it does not stop
            errors.append(f"filing {n}: {type(exc).__name__}: {exc}")


def examine(ctx, index: int, examiners: int, stop_event: threading.Event, errors: list[str], spent: dict) -> None:
    """Take the open tasks in due order (each examiner from its own offset), claim, complete."""
    while not stop_event.is_set():
        tasks = list_tasks(ctx, limit=8 * examiners)
        if not tasks:
            time.sleep(0.02)  # nothing to do yet: an examiner polls the inbox
            continue
        for task in tasks[index::examiners] or tasks[:1]:
            user = USER_FOR_ROLE[task.candidate_roles[0]]
            if task.element_id not in FORMS:
                errors.append(f"unexpected task {task.element_id} on {task.business_key}")
                stop_event.set()
                return
            if assignment.claim(ctx, user, [task.id]).refused:
                continue  # another examiner was first
            try:
                started = time.perf_counter()
                complete_task(ctx, task.id, user, FORMS[task.element_id])
                spent["complete"].append(time.perf_counter() - started)
            except Conflict:
                continue


def statuses(ctx) -> dict[str, int]:
    with ctx.db.reading() as session:
        return dict(session.execute(select(Case.status, func.count()).group_by(Case.status)).all())


def run(
    lifecycles: int, letters: str, examiners: int = 4, filers: int = 2, workers: int = 2, limit_s: float = 240
) -> tuple[list[Row], dict]:
    url = fresh_database()
    instance = Path(tempfile.mkdtemp(prefix="ipflow-bench-"))
    clock = FastClock.starting_now(SECONDS_PER_DAY[letters])
    env = bench_env(url, instance, clock, letters)
    ctx = ipflow_from_env(env)
    sync_roles_and_demo_users(ctx)
    deploy_library(ctx, actor="bench")
    procs = [start_process(env, "worker") for _ in range(workers)]
    web = memory.WebLoad(env).start()
    errors: list[str] = []
    spent: dict[str, list[float]] = {"file": [], "pay": [], "complete": []}
    stop_event = threading.Event()
    threads = [threading.Thread(target=examine, args=(ctx, i, examiners, stop_event, errors, spent)) for i in range(examiners)]
    threads += [
        threading.Thread(target=file_and_pay, args=(ctx, list(range(i + 1, lifecycles + 1, filers)), errors, spent))
        for i in range(filers)
    ]
    started = time.monotonic()
    for t in threads:
        t.start()
    try:
        while time.monotonic() - started < limit_s and not stop_event.is_set():
            now = statuses(ctx)
            if sum(now.get(s, 0) for s in ("registered", "withdrawn", "refused")) >= lifecycles:
                break
            time.sleep(0.2)  # the bench polls the database while examiners and workers run
        elapsed = time.monotonic() - started
    finally:
        stop_event.set()
        for t in threads:
            t.join()
        worker_rss = max(peak_rss_mb(p.pid) for p in procs)
        stop(procs)
        web_rss = web.stop()
    final = statuses(ctx)
    with ctx.db.reading() as session:
        done_tasks = session.scalar(select(func.count()).select_from(HumanTask).where(HumanTask.status == TaskStatus.COMPLETED))
        # every BPMN element completed, by people or the engine: what the target's ~300 task completions/s counts
        done_steps = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == "element_completed"))
    ctx.db.dispose()
    registered = final.get("registered", 0)
    label = (
        f"{'letters without PDF (HTML stored)' if letters == 'html' else 'letters with PDF'}; {lifecycles} filed, "
        f"{registered} registered in {elapsed:.1f} s; {examiners} examiner threads, {workers} workers; "
        f"1 day = {SECONDS_PER_DAY[letters] * 1000:g} ms (the ~92-day opposition period waits "
        f"{92 * SECONDS_PER_DAY[letters]:.0f} s of the time); cases by status {final}"
        + (f"; {len(errors)} errors, first: {errors[0]}" if errors else "")
    )
    rows = [
        Row(
            f"throughput: lifecycles/s ({'no PDF' if letters == 'html' else 'PDF'})",
            registered / elapsed,
            TARGET,
            "/s",
            higher_is_better=True,
            detail=label,
        ),
        Row(
            f"throughput: task completions/s ({'no PDF' if letters == 'html' else 'PDF'})",
            done_steps / elapsed,
            TARGET * 15,
            "/s",
            higher_is_better=True,
            detail=f"{done_steps} BPMN elements completed, {done_tasks} of them human tasks; mean wall time per call "
            "(threads share one GIL) "
            + ", ".join(f"{k} {statistics.fmean(v) * 1000:.0f} ms" for k, v in spent.items() if v),
        ),
    ]
    return rows, {"web_rss": web_rss, "web": web, "worker_rss": worker_rss, "workers": workers}


def measure(lifecycles: int = 150, with_pdf: int = 12) -> list[Row]:
    rows, load = run(lifecycles, "html")
    pdf_rows, pdf_load = run(with_pdf, "pdf")
    heavier = max((load, pdf_load), key=lambda x: x["web_rss"])
    rows += pdf_rows
    rows += memory.rows(
        heavier["web_rss"],
        heavier["web"],
        max(load["worker_rss"], pdf_load["worker_rss"]),
        load["workers"],
        "the throughput runs",
    )
    return rows
