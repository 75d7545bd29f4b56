"""Row 2: the same step on an instance with ~1,000 completed tasks in its history vs one with ~20.

bench/data/review_loop.bpmn loops a clerk's "Review the file" (the trademark formalities form)
through two gateways, three completed tasks per round, until its `stop` is set (never, here).
`short` instances are each driven to ~20 completed tasks and timed on one completion; one
instance is driven round by round to ~1,000 and its next `window` completions, centred on 1,000,
are timed. The same steps held in memory show how much of the growth is the engine's own.

`python -m bench.growth profile` times the parts of a step in memory at ~20 and ~1,000 tasks,
then profiles completions at ~1,000 (cProfile) and prints where their time goes.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from bench.step import WARMUPS, floor_step, in_memory, open_task, print_profile, timed_ms
from bench.support import REPO, Row, bench_ipflow, fresh_database, percentile
from engine.container import Ipflow
from engine.db.models import AuditEvent, DefinitionVersion, ProcessInstance
from engine.runtime.runner import snapshot
from engine.runtime.specs import make_serializer
from engine.runtime.state import dump_state
from engine.services.instances import start_instance
from engine.services.library import deploy_library, specs_for
from engine.services.stepping import script_engine
from engine.services.tasks import complete_task
from engine.services.users import sync_roles_and_demo_users

PROCESS = "bench_review_loop"
SUBMISSION = {"representative_ok": True, "priority_ok": True}
RATIO_TARGET = 1.5


class Loop:
    """One review-loop instance, completed round by round through the service layer."""

    def __init__(self, ctx: Ipflow):
        self.ctx = ctx
        self.instance_id = start_instance(ctx, PROCESS, {"stop": False}, actor="bench").id
        self.task_id = open_task(ctx, self.instance_id).id

    def complete(self) -> None:
        done = complete_task(self.ctx, self.task_id, "clerk", SUBMISSION)
        self.task_id = done.next_tasks[0].id

    def history(self) -> tuple[int, int]:
        """Completed steps in the case's history (its audit rows: the stored task tree keeps only the
        recent part, see engine/runtime/pruning.py), and the stored state's size in bytes."""
        with self.ctx.db.reading() as session:
            steps = session.scalar(
                select(func.count()).select_from(AuditEvent)
                .where(AuditEvent.instance_id == self.instance_id, AuditEvent.kind == "element_completed")
            )  # fmt: skip
            return steps, len(session.get(ProcessInstance, self.instance_id).state)

    def drive_to(self, tasks: int) -> tuple[int, int]:
        """Complete rounds until the workflow holds about `tasks` completed tasks."""
        first, _ = self.history()
        self.complete()
        per_round = self.history()[0] - first
        for _ in range(round((tasks - first) / per_round) - 1):
            self.complete()
        return self.history()

    def floor(self, steps: int) -> list[float]:
        """`steps` completions, in ms, of this instance's stored state loaded and held in memory
        (nothing is stored: the instance itself does not move)."""
        times = []
        with self.ctx.db.reading() as session:
            workflow = in_memory(self.ctx, session, self.instance_id)
            for _ in range(steps):
                ready = str(workflow.get_tasks(state=TaskState.READY)[0].id)  # found outside the timed call
                step = floor_step(workflow, ready, SUBMISSION)
                started = time.perf_counter()
                step()
                times.append((time.perf_counter() - started) * 1000)
        return times


def setup() -> Ipflow:
    url = fresh_database()
    ctx = bench_ipflow(url, Path(tempfile.mkdtemp(prefix="ipflow-bench-")), bpmn=REPO / "bench" / "data")
    sync_roles_and_demo_users(ctx)
    deploy_library(ctx, actor="bench")
    return ctx


def measure(short: int = 40, long: int = 1000, window: int = 100) -> list[Row]:
    ctx = setup()
    loops = [Loop(ctx) for _ in range(short + WARMUPS)]
    small = [loop.drive_to(20) for loop in loops][-1]
    floor_short = [loop.floor(1)[0] for loop in loops][WARMUPS:]
    at_short = timed_ms([loop.complete for loop in loops])
    big_loop = Loop(ctx)
    big = big_loop.drive_to(long - 3 * (window // 2 + WARMUPS))  # the timed steps straddle `long`
    floor_long = big_loop.floor(window + WARMUPS)[WARMUPS:]
    at_long = timed_ms([big_loop.complete] * (window + WARMUPS))
    end = big_loop.history()
    ctx.db.dispose()
    s50, l50, l99 = percentile(at_short, 50), percentile(at_long, 50), percentile(at_long, 99)
    fs50, fl50 = percentile(floor_short, 50), percentile(floor_long, 50)
    where = (
        f"{short} instances at {small[0]} steps done ({small[1] // 1024} kB state) vs {window} steps "
        f"from {big[0] + 3 * WARMUPS} to {end[0]} done ({end[1] // 1024} kB)"
    )
    return [
        Row(
            "growth: step p50 at ~1,000 / at ~20 steps done",
            l50 / s50,
            RATIO_TARGET,
            "x",
            detail=f"{l50:.1f} / {s50:.1f} ms on PostgreSQL; {where}",
        ),
        Row("growth: step p99 at ~1,000 steps done", l99, 50.0, "ms", detail=f"p99 at ~20: {percentile(at_short, 99):.1f} ms"),
        Row(
            "growth: in-memory step p50 at ~1,000 / at ~20",
            fl50 / fs50,
            RATIO_TARGET,
            "x",
            detail=f"{fl50:.2f} / {fs50:.2f} ms: the engine's own share of the growth",
        ),
    ]


def profile(long: int = 1000, top: int = 30) -> None:
    ctx = setup()
    loop = Loop(ctx)
    for size in (20, long):
        print(f"driven to {loop.drive_to(size)} (completed tasks, state bytes)")
        phases(loop)
    print_profile([loop.complete] * 10, top)  # ten completions at ~1,000 tasks, so one slow call does not decide
    ctx.db.dispose()


def phases(loop: Loop, rounds: int = 10) -> None:
    """Wall time of each part of a step at the loop's size, without a profiler, in memory."""
    serializer = make_serializer()
    spent: dict[str, list[float]] = {}

    def clock(name, action):
        started = time.perf_counter()
        result = action()
        spent.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        return result

    with loop.ctx.db.reading() as session:
        instance = session.get(ProcessInstance, loop.instance_id)
        specs = specs_for(loop.ctx, session.get(DefinitionVersion, instance.definition_version_id))
        for _ in range(rounds):
            raw = clock("json.loads of the state", lambda: json.loads(instance.state))
            clock("serializer.migrate", lambda raw=raw: serializer.migrate(raw))
            workflow = clock(
                "from_dict (rebuild the task tree)",
                lambda raw=raw: serializer.from_dict(raw, spec=specs.spec, subprocess_specs=specs.subprocess_specs),
            )
            workflow.script_engine = script_engine(loop.ctx, session, instance)
            ready = str(workflow.get_tasks(state=TaskState.READY)[0].id)
            clock("complete_human_task + run_to_wait_state", floor_step(workflow, ready, SUBMISSION))
            clock("snapshot (walk for wait states)", lambda w=workflow: snapshot(w, None))
            clock("dump_state (to_dict + json.dumps)", lambda w=workflow: dump_state(w))
    print(f"phases in memory at this size, median of {rounds}:")
    for name, times in spent.items():
        print(f"  {statistics.median(times):7.2f} ms  {name}")


if __name__ == "__main__":
    if sys.argv[1:] != ["profile"]:
        sys.exit("usage: python -m bench.growth profile")
    profile()
