"""The worker runs every due job exactly once, never early, survives a killed colleague, and
catches up on timers that fell due while no worker ran."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
from datetime import timedelta

from sqlalchemy import func, insert, select
from worker_children import blocking_worker, make_ipflow, sweeping_worker

from engine.db.models import AuditEvent, InstanceStatus, Job, JobKind, JobStatus, ProcessInstance
from engine.services.instances import show_instance, start_instance
from engine.services.jobs import claim_due, run_due
from engine.worker import sweep_until_idle


def clone_waiting(ipflow, process_id: str, copies: int, due_at) -> list[int]:
    """`copies` more instances in the same wait state as a freshly started one, each with its job
    due at `due_at` (bulk rows: starting thousands one by one would take minutes)."""
    first = start_instance(ipflow, process_id, {"amount": 5}, business_key=f"{process_id}-0")
    with ipflow.db.transaction() as session:
        row = session.get(ProcessInstance, first.id)
        job = session.scalar(select(Job).where(Job.instance_id == first.id, Job.status == JobStatus.PENDING))
        job.due_at = due_at
        columns = {c: getattr(row, c) for c in ("definition_version_id", "process_id", "status", "state", "serializer_version",
                                                 "schema_version", "started_by", "created_at", "updated_at")}
        ids = session.scalars(
            insert(ProcessInstance).returning(ProcessInstance.id),
            [{**columns, "business_key": f"{process_id}-{n}", "lock_version": 1} for n in range(1, copies + 1)],
        ).all()
        session.execute(insert(Job), [
            {"kind": job.kind, "status": JobStatus.PENDING, "instance_id": i, "task_id": job.task_id, "element_id": job.element_id,
             "operator": job.operator, "payload": job.payload, "due_at": due_at, "attempts": 0, "max_attempts": job.max_attempts,
             "created_at": job.created_at, "idempotency_key": f"{job.kind}:{i}"} for i in ids
        ])
    return [first.id, *ids]


def test_four_workers_run_every_due_job_exactly_once_and_none_early(ipflow, settings, library, clock):
    many = 1500 if ipflow.db.dialect == "postgresql" else 300
    now = clock.now() + timedelta(days=70)
    timers = clone_waiting(ipflow, "deadline", many, now - timedelta(hours=1))
    calls = clone_waiting(ipflow, "flaky_call", many // 3, now - timedelta(minutes=5))
    early = clone_waiting(ipflow, "deadline", 20, now + timedelta(hours=1))

    env = {"IPFLOW_DATABASE_URL": settings.database_url, "IPFLOW_INSTANCE_PATH": str(settings.instance_path)}
    mp = multiprocessing.get_context("spawn")
    barrier, results = mp.Barrier(4), mp.Queue()
    workers = [mp.Process(target=sweeping_worker, args=(env, str(library), now, f"w{n}", barrier, results)) for n in range(4)]
    for worker in workers:
        worker.start()
    ran = dict(results.get(timeout=600) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
    assert all(isinstance(n, int) for n in ran.values()), ran
    assert sum(ran.values()) == len(timers) + len(calls)

    with ipflow.db.reading() as session:
        fired = dict(session.execute(
            select(AuditEvent.instance_id, func.count()).where(AuditEvent.kind.in_(["timer_fired", "service_completed"]))
            .group_by(AuditEvent.instance_id)).all())
        statuses = dict(session.execute(select(ProcessInstance.id, ProcessInstance.status)).all())
        waiting = session.scalar(select(func.count()).select_from(Job).where(Job.status == JobStatus.PENDING))
    assert {i: fired.get(i) for i in timers + calls} == {i: 1 for i in timers + calls}  # once each, none lost
    assert all(statuses[i] == InstanceStatus.COMPLETED for i in timers + calls)
    assert not any(i in fired for i in early) and waiting == len(early)  # none early
    assert all(statuses[i] == InstanceStatus.RUNNING for i in early)


def test_a_killed_worker_leaves_its_job_to_another_after_the_lease(ipflow, settings, library, clock):
    instance = start_instance(ipflow, "blocking_call", {}, business_key="K-1")
    env = {"IPFLOW_DATABASE_URL": settings.database_url, "IPFLOW_INSTANCE_PATH": str(settings.instance_path)}
    mp = multiprocessing.get_context("spawn")
    started, release = mp.Event(), mp.Event()
    doomed = mp.Process(target=blocking_worker, args=(env, str(library), clock.now(), started, release))
    doomed.start()
    assert started.wait(120), "the worker never reached the operator"
    os.kill(doomed.pid, signal.SIGKILL)  # in the middle of the job, its transaction open
    doomed.join(timeout=60)
    assert doomed.exitcode == -signal.SIGKILL

    with ipflow.db.reading() as session:
        job = session.scalar(select(Job).where(Job.instance_id == instance.id))
        assert (job.status, job.lease_owner.startswith("doomed:")) == (JobStatus.RUNNING, True)
    assert claim_due(ipflow, "impatient", 10) == []  # the lease still holds

    clock.advance(seconds=settings.worker.lease_seconds + 1)
    rescuer = make_ipflow(env, str(library), clock.now())
    try:
        assert sweep_until_idle(rescuer, owner="rescuer") == 1
    finally:
        rescuer.db.dispose()
    view = show_instance(ipflow, instance.id)
    assert view.status == "completed" and view.data["answer"] == {"done": "once"}
    with ipflow.db.reading() as session:
        effects = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == "side_effect"))
    assert effects == 1  # the killed try's side effect died with its transaction


def test_late_timers_fire_on_the_next_sweep_in_due_order(ipflow, clock):
    later = start_instance(ipflow, "deadline", {}, business_key="L-later")
    clock.advance(days=1)
    sooner = start_instance(ipflow, "deadline", {}, business_key="L-sooner")
    with ipflow.db.transaction() as session:  # make the second instance's timer the earlier one
        jobs = {j.instance_id: j for j in session.scalars(select(Job).where(Job.kind == JobKind.TIMER))}
        jobs[sooner.id].due_at, jobs[later.id].due_at = jobs[later.id].due_at, jobs[sooner.id].due_at
    clock.advance(days=365)  # the worker was down for a year
    report = run_due(ipflow)
    assert len(report.ran) == 2
    with ipflow.db.reading() as session:
        order = session.scalars(select(AuditEvent.instance_id).where(AuditEvent.kind == "timer_fired").order_by(AuditEvent.id)).all()
    assert order == [sooner.id, later.id]


def test_the_worker_command_catches_up_on_start(ipflow, settings, library):
    """`ipflow worker` with the real clock: a timer that fell due while no worker ran fires at start."""
    import subprocess
    import sys
    from pathlib import Path

    instance = start_instance(ipflow, "deadline", {}, business_key="W-1")  # the fixture clock is months in the past
    config = Path(settings.instance_path) / "config.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    raw = (Path(__file__).resolve().parents[2] / "config.yaml").read_text()
    config.write_text(raw.replace("bpmn: bpmn", f"bpmn: {library / 'bpmn'}").replace("forms: forms", f"forms: {library / 'forms'}"))
    env = {"PATH": "/usr/bin:/bin", "IPFLOW_CONFIG": str(config), "IPFLOW_DATABASE_URL": settings.database_url,
           "IPFLOW_INSTANCE_PATH": str(settings.instance_path)}
    worker = subprocess.Popen([str(Path(sys.executable).with_name("ipflow")), "worker"], env=env,
                              stderr=subprocess.PIPE, text=True)
    try:
        for line in worker.stderr:  # structured log lines; the first sweep reports what it ran
            if '"event": "sweep"' in line:
                sweep = json.loads(line[line.index("{"):])
                break
        assert sweep["ran"] == 1
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    assert show_instance(ipflow, instance.id).status == "completed"
