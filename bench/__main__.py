"""`python -m bench [ROW…]`: run the benchmark rows, print one table, write bench/results/latest.json."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from bench import dashboard, deploy, growth, inbox, step, throughput, timers

ROWS = {"deploy": deploy.measure, "timers": timers.measure, "inbox": inbox.measure, "dashboard": dashboard.measure,
        "step": step.measure, "growth": growth.measure,
        "throughput": throughput.measure, "inbox_scale": inbox.measure_scale}  # throughput also measures the memory rows


def main(names: list[str]) -> int:
    chosen = names or list(ROWS)
    unknown = [n for n in chosen if n not in ROWS]
    if unknown:
        print(f"unknown row(s) {', '.join(unknown)}; choose from {', '.join(ROWS)}", file=sys.stderr)
        return 2
    rows, started = [], time.monotonic()
    for name in chosen:
        rows.extend(ROWS[name]())
    width = max(len(r.name) for r in rows)
    print(f"{'row':<{width}}  {'measured':>12}  {'target':>10}  {'ratio':>6}  verdict  detail")
    for r in rows:
        print(f"{r.name:<{width}}  {r.measured:>10.3g} {r.unit:<1}  {r.target:>8g} {r.unit:<1}  {r.ratio:>6.2f}  {r.verdict:<7}  {r.detail}")
    print(f"({time.monotonic() - started:.0f} s)")
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps([{**asdict(r), "ratio": r.ratio, "verdict": r.verdict} for r in rows], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
