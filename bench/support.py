"""What every benchmark row needs: a fresh PostgreSQL database, an Ipflow on it, percentiles."""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from engine.clock import Clock
from engine.container import Ipflow
from engine.db.migrate import upgrade
from engine.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get("IPFLOW_BENCH_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BENCH_DB = os.environ.get("IPFLOW_BENCH_DATABASE", "ipflow_bench")


@dataclass
class Row:
    name: str
    measured: float
    target: float
    unit: str
    higher_is_better: bool = False
    detail: str = ""

    @property
    def ratio(self) -> float:
        if self.higher_is_better:
            return self.measured / self.target if self.target else 0.0
        return self.measured / self.target if self.target else 0.0

    @property
    def verdict(self) -> str:
        ok = self.measured >= self.target if self.higher_is_better else self.measured <= self.target
        return "PASS" if ok else "MISS"


def run_script(ctx: Ipflow, script: str, params: dict) -> None:
    """Run a ';'-separated SQL script in one transaction, each statement with the params it names."""
    with ctx.db.engine.begin() as conn:
        for statement in script.split(";\n"):
            if statement.strip():
                conn.execute(text(statement), {k: v for k, v in params.items() if f":{k}" in statement})


def vacuum_analyze(ctx: Ipflow) -> None:
    """Fresh statistics after bulk seeding, as autovacuum would have made by now."""
    with ctx.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def fresh_database() -> str:
    """Drop and create the bench database; return its URL (migrated to head)."""
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {BENCH_DB}"))
    admin.dispose()
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{BENCH_DB}"
    upgrade(url)
    return url


def bench_ipflow(url: str, instance: Path, clock: Clock | None = None, bpmn: Path | None = None) -> Ipflow:
    settings = load_settings(REPO / "config.yaml", env={"IPFLOW_DATABASE_URL": url, "IPFLOW_INSTANCE_PATH": str(instance)})
    if bpmn is not None:
        settings = settings.replace(bpmn_path=bpmn)
    return Ipflow.create(settings, clock=clock)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[min(98, max(0, int(pct) - 1))]


def peak_rss_mb(pid: int) -> float:
    """Peak resident set size of a live process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
