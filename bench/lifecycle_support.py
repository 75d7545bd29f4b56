"""What the throughput row runs on: a simulated office clock every bench process agrees on, letters
without the PDF layout, and the worker / web subprocesses built with both.

The engine is not changed. Its workers read `ctx.clock` like every service does, so a bench process
(bench/bench_process.py) builds its Ipflow the way `ipflow worker` / `ipflow serve` do, with this
clock injected instead of the system clock: all processes see the same moved time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from dataclasses import replace as replaced
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.support import REPO
from engine.container import Ipflow
from engine.domain.letters import LetterRenderer, RenderedLetter
from engine.services.letter_store import DeployedLetters
from engine.settings import load_settings


@dataclass(frozen=True)
class FastClock:
    """Office time that starts at `start` (at wall time `wall_start`) and runs `speed` times faster
    than the wall clock. Each process computes it from its own wall clock, so no process has to
    tell another that time moved."""

    wall_start: float
    start: datetime
    speed: float

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.time() - self.wall_start) * self.speed)

    def days_per_second(self) -> float:
        return self.speed / 86400

    def as_text(self) -> str:
        return f"{self.wall_start!r},{self.start.isoformat()},{self.speed!r}"

    @classmethod
    def from_text(cls, text: str) -> FastClock:
        wall_start, start, speed = text.split(",")
        return cls(float(wall_start), datetime.fromisoformat(start), float(speed))

    @classmethod
    def starting_now(cls, seconds_per_day: float) -> FastClock:
        return cls(time.time(), datetime.now(timezone.utc), 86400 / seconds_per_day)


class HtmlOnlyLetters(LetterRenderer):
    """Letters composed from their templates as always, stored with the HTML in place of the PDF:
    the row measures the process, not fpdf2's layout (~0.6 s a letter). The PDF header stays so the
    document store accepts it as the letter's file."""

    def render(self, name, context) -> RenderedLetter:
        name, html, subject = self.compose(name, context)
        return RenderedLetter(name=name, html=html, pdf=b"%PDF-1.4\n% bench: layout skipped\n" + html.encode(), subject=subject)


def bench_env(url: str, instance: Path, clock: FastClock | None, letters: str) -> dict[str, str]:
    env = {
        **os.environ,
        "IPFLOW_DATABASE_URL": url,
        "IPFLOW_INSTANCE_PATH": str(instance),
        "IPFLOW_CONFIG": str(REPO / "config.yaml"),
        "IPFLOW_BENCH_LETTERS": letters,
    }
    if clock is not None:
        env["IPFLOW_BENCH_CLOCK"] = clock.as_text()
    return env


def ipflow_from_env(env: dict[str, str]) -> Ipflow:
    """The Ipflow of a bench process: config.yaml and the environment, plus the bench clock and letters."""
    settings = load_settings(REPO / "config.yaml", env=env)
    clock = FastClock.from_text(env["IPFLOW_BENCH_CLOCK"]) if env.get("IPFLOW_BENCH_CLOCK") else None
    if clock is not None:
        # A lease is wall time the job may take; on a fast clock the same wall time is `speed` times more.
        worker = settings.worker
        settings = settings.replace(worker=replaced(worker, lease_seconds=int(worker.lease_seconds * clock.speed)))
    ctx = Ipflow.create(settings, clock=clock)
    if env.get("IPFLOW_BENCH_LETTERS") == "html":
        ctx.__dict__["letters"] = HtmlOnlyLetters(settings.forms_path / "letters", stored=DeployedLetters(ctx.db))
    return ctx


def start_process(env: dict[str, str], *args: str) -> subprocess.Popen:
    """`python -m bench.bench_process ARGS` with the bench environment; its output is discarded."""
    return subprocess.Popen(
        [sys.executable, "-m", "bench.bench_process", *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(processes: list[subprocess.Popen]) -> None:
    for p in processes:
        p.terminate()
    for p in processes:
        p.wait(timeout=60)
