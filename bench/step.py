"""Row 1: one human-task completion through the service layer vs the same step held in memory.

`cases` trademark applications are filed, paid and checked (as e-filing, the payment gateway and
a clerk do), so each waits at "Examine the formalities". That step was picked because its next
wait state, "Check the Nice classification", is reached with no letter and no operator between.
The floor: each case's state loaded into a SpiffWorkflow workflow held in memory with the same
script engine, timed over `complete_human_task` + `run_to_wait_state` (what ipflow's runner does
inside a step) and nothing else. Then each case's task is completed through `complete_task` on
PostgreSQL (validate, lock, load, run, save, mirror rows, audit), one timed call each. For
context the ratio rows also name a second floor: the same step with SpiffWorkflow's serializer
loading the state before it and dumping it after (persistence without any SQL).

`python -m bench.step profile` profiles 20 such completions (cProfile) and prints where the time goes.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.support import Row, bench_ipflow, fresh_database, percentile
from engine.container import Ipflow
from engine.db.models import DefinitionVersion, FeeSheet, HumanTask, ProcessInstance, TaskStatus
from engine.forms import validate_submission
from engine.runtime.runner import complete_human_task, run_to_wait_state
from engine.runtime.state import dump_state, load_state
from engine.services.filing import file_application
from engine.services.library import deploy_library, form_for, specs_for
from engine.services.messages import deliver_message
from engine.services.stepping import script_engine
from engine.services.tasks import complete_task
from engine.services.users import sync_roles_and_demo_users

STEP = "formalities"  # "Examine the formalities", clerk; next wait state: "Check the Nice classification"
SUBMISSION = {"representative_ok": True, "priority_ok": True, "formalities_notes": "Applicant and address checked."}
P99_TARGET_MS = 50.0
RATIO_TARGET = 3.0
WARMUPS = 5

FILING = {
    "title": "ACME SPARKLE",
    "mark_type": "word",
    "mark_kind": "individual",
    "verbal_element": "ACME SPARKLE",
    "applicants": [{"name": "ACME Ltd", "address": "1 Main Street, Sofia", "country": "BG", "email": "ip@acme.example"}],
    "goods_services": [{"nice_class": 3, "terms": "Soaps"}, {"nice_class": 35, "terms": "Retail services"}],
}


def open_task(ctx: Ipflow, instance_id: int) -> HumanTask:
    """The one open human task of an instance (the bench's processes wait on one at a time)."""
    with ctx.db.reading() as session:
        rows = session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.status == TaskStatus.OPEN)
        ).all()
        assert len(rows) == 1, f"instance {instance_id} has {len(rows)} open tasks: {[r.element_id for r in rows]}"
        session.expunge(rows[0])
        return rows[0]


def trademark_at_formalities(ctx: Ipflow, n: int) -> int:
    """File, pay and check one trademark application; the instance then waits at the formalities."""
    filing = file_application(ctx, "trademark", FILING, actor="e-filing")
    with ctx.db.reading() as session:
        total = session.scalar(select(FeeSheet.total).where(FeeSheet.case_id == filing.case_id, FeeSheet.status == "due"))
    deliver_message(
        ctx,
        "payment_received",
        {"business_key": filing.application_number},
        {"amount": str(total), "reference": f"BENCH-PAY-{n}"},
        actor="bench",
    )
    complete_task(ctx, open_task(ctx, filing.instance.id).id, "clerk", {"filing_date_met": "yes"})
    return filing.instance.id


def in_memory(ctx: Ipflow, session: Session, instance_id: int):
    """The instance's workflow as a step sees it (state loaded, script engine attached), and nothing stored."""
    instance = session.get(ProcessInstance, instance_id)
    workflow = load_state(instance.state, specs_for(ctx, session.get(DefinitionVersion, instance.definition_version_id)))
    workflow.script_engine = script_engine(ctx, session, instance)
    return workflow


def cleaned(ctx: Ipflow, task: HumanTask) -> dict:
    """The submission as validation hands it to the runner (the floor skips validation)."""
    with ctx.db.reading() as session:
        instance = session.get(ProcessInstance, task.instance_id)
        return validate_submission(form_for(ctx, session, instance.definition_version_id, task.form_key), SUBMISSION)


def completed_tasks(workflow) -> int:
    return len(workflow.get_tasks(state=TaskState.COMPLETED))


def floor_step(workflow, task_id: str, data: dict) -> Callable[[], object]:
    def run():
        complete_human_task(workflow, task_id, data)
        run_to_wait_state(workflow)

    return run


def stored_step(ctx: Ipflow, session: Session, instance_id: int, task_id: str, data: dict) -> Callable[[], object]:
    """The floor plus the library's own persistence: load the stored state, step, dump it (no SQL)."""
    instance = session.get(ProcessInstance, instance_id)
    specs = specs_for(ctx, session.get(DefinitionVersion, instance.definition_version_id))

    def run():
        workflow = load_state(instance.state, specs)
        workflow.script_engine = script_engine(ctx, session, instance)
        floor_step(workflow, task_id, data)()
        dump_state(workflow)

    return run


def timed_ms(actions: list[Callable[[], object]]) -> list[float]:
    """Run each action once; the first WARMUPS are not counted (caches, connections)."""
    times = []
    for action in actions:
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times[WARMUPS:]


def setup() -> Ipflow:
    url = fresh_database()
    ctx = bench_ipflow(url, Path(tempfile.mkdtemp(prefix="ipflow-bench-")))
    sync_roles_and_demo_users(ctx)
    deploy_library(ctx, actor="bench")
    return ctx


def measure(cases: int = 200) -> list[Row]:
    ctx = setup()
    instances = [trademark_at_formalities(ctx, n) for n in range(cases + WARMUPS)]
    tasks = [open_task(ctx, i) for i in instances]
    assert {t.element_id for t in tasks} == {STEP}, f"the cases wait at {sorted({t.element_id for t in tasks})}, not {STEP}"
    data = cleaned(ctx, tasks[0])
    with ctx.db.reading() as session:
        workflows = [in_memory(ctx, session, i) for i in instances]
        history = completed_tasks(workflows[0])
        floor = timed_ms([floor_step(w, t.id, data) for w, t in zip(workflows, tasks, strict=True)])
        stored = timed_ms([stored_step(ctx, session, i, t.id, data) for i, t in zip(instances, tasks, strict=True)])
        after = {w.get_tasks(state=TaskState.READY)[0].task_spec.bpmn_id for w in workflows}
    assert after == {"classification"}, f"the in-memory step ended at {after}"
    service = timed_ms([lambda t=t: complete_task(ctx, t.id, "clerk", SUBMISSION) for t in tasks])
    assert {open_task(ctx, i).element_id for i in instances[:3]} == {"classification"}
    ctx.db.dispose()
    p50, p99, f50, f99 = (percentile(service, 50), percentile(service, 99), percentile(floor, 50), percentile(floor, 99))
    s50 = percentile(stored, 50)
    label = f"{cases} trademark cases at 'Examine the formalities' ({history} completed tasks each)"
    return [
        Row("step overhead: complete_task p50", p50, P99_TARGET_MS, "ms", detail=f"PostgreSQL; {label}"),
        Row("step overhead: complete_task p99", p99, P99_TARGET_MS, "ms", detail=f"PostgreSQL; {label}"),
        Row(
            "step overhead: ratio p50 to in-memory",
            p50 / f50,
            RATIO_TARGET,
            "x",
            detail=f"in-memory floor p50 {f50:.2f} ms; with SpiffWorkflow's load + dump of the state "
            f"{s50:.2f} ms, ratio {p50 / s50:.1f}",
        ),
        Row("step overhead: ratio p99 to in-memory", p99 / f99, RATIO_TARGET, "x", detail=f"in-memory floor p99 {f99:.2f} ms"),
    ]


# Frames that only pass a call on; left out of the printed profile.
GENERIC = {"<lambda>", "__enter__", "__exit__", "<built-in method builtins.next>", "retrying", "complete", "runcall"}


def print_profile(actions: list[Callable[[], object]], top: int = 30) -> None:
    """Profile the actions (cProfile) and print the functions with the largest share of one action's time."""
    profiler = cProfile.Profile()
    for action in actions:
        profiler.runcall(action)
    stats = pstats.Stats(profiler).stats
    total = max(row[3] for row in stats.values())
    print(f"cProfile, cumulative share of one call ({total * 1000 / len(actions):.0f} ms each under the profiler):")
    rows = [(f, r) for f, r in stats.items() if f[2] not in GENERIC]
    for func, (_, calls, own, cumulative, _) in sorted(rows, key=lambda kv: -kv[1][3])[:top]:
        name = f"{func[2]}  {Path(func[0]).name}:{func[1]}"
        print(f"{cumulative / total:6.1%} (own {own / total:5.1%})  {calls // len(actions):>6} calls  {name}")


def profile(cases: int = 20) -> None:
    """`python -m bench.step profile`: where a formalities completion's time goes."""
    ctx = setup()
    tasks = [open_task(ctx, trademark_at_formalities(ctx, n)) for n in range(cases + WARMUPS)]
    for task in tasks[:WARMUPS]:
        complete_task(ctx, task.id, "clerk", SUBMISSION)
    print_profile([lambda t=t: complete_task(ctx, t.id, "clerk", SUBMISSION) for t in tasks[WARMUPS:]])
    ctx.db.dispose()


if __name__ == "__main__":
    if sys.argv[1:] != ["profile"]:
        sys.exit("usage: python -m bench.step profile")
    profile()
