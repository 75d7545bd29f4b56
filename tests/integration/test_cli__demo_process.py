"""The demo process end to end through the `ipflow` command alone, as an operator would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ipflow_testing import REPO

IPFLOW = Path(sys.executable).with_name("ipflow")


@pytest.fixture
def ipflow_cli(database_url, tmp_path):
    assert IPFLOW.exists(), f"{IPFLOW} is missing: install the package first (make install)"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "IPFLOW_CONFIG": str(REPO / "config.yaml"),
        "IPFLOW_DATABASE_URL": database_url,
        "IPFLOW_INSTANCE_PATH": str(tmp_path / "instance"),
    }

    def run(*args: str, expect: int = 0) -> subprocess.CompletedProcess:
        done = subprocess.run([str(IPFLOW), *args], env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == expect, f"ipflow {' '.join(args)} -> {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done

    def run_json(*args: str):
        return json.loads(run(*args, "--json").stdout)

    run.json = run_json
    return run


def test_demo_process_runs_end_to_end_through_the_cli(ipflow_cli):
    init = ipflow_cli("init").stdout
    assert "demo_intake v1 deployed" in init
    assert "demo_intake v1 unchanged" in ipflow_cli("init").stdout

    started = ipflow_cli.json("start", "demo_intake", "--data", '{"applicant": "ACME Ltd"}', "--business-key", "40-2026-000001", "--as", "clerk")
    assert started["status"] == "running" and started["current"] == ["review"]

    [review] = ipflow_cli.json("tasks", "--user", "clerk")
    assert review["name"] == "Review filing" and review["candidate_roles"] == ["clerk"]
    refused = ipflow_cli("complete", review["id"], "--user", "clerk", "--data", '{"reviewer_note": ""}', expect=1)
    assert "reviewer_note: Required." in refused.stderr
    ipflow_cli("complete", review["id"], "--user", "clerk", "--data", '{"reviewer_note": "all there", "documents_complete": true}')

    waiting = ipflow_cli.json("show", str(started["id"]))
    assert waiting["current"] == ["wait_day"]
    timer_due = datetime.fromisoformat(waiting["pending_jobs"][0]["due_at"])
    later = (timer_due + timedelta(minutes=1)).astimezone(timezone.utc).isoformat()
    assert ipflow_cli.json("run-due")["ran"] == []  # not due yet by the real clock
    assert len(ipflow_cli.json("run-due", "--now", later)["ran"]) == 1  # timer fires, stamp runs, notify queued
    assert len(ipflow_cli.json("run-due", "--now", later)["ran"]) == 1  # the asynchronous notify job

    [decide] = ipflow_cli.json("tasks", "--user", "examiner")
    ipflow_cli("complete", decide["id"], "--user", "examiner", "--data", '{"decision": "accept", "reasons": "distinctive"}')

    nobody = ipflow_cli("message", "payment_received", "--correlation", '{"business_key": "40-2099-999999"}', expect=1)
    assert "no process instance is waiting" in nobody.stderr
    delivered = ipflow_cli.json("message", "payment_received", "--correlation", '{"business_key": "40-2026-000001"}', "--data", '{"amount": 850}')
    assert delivered == {"instance_id": started["id"]}

    done = ipflow_cli.json("show", str(started["id"]))
    assert done["status"] == "completed"
    assert done["data"]["stamp"]["label"] == "REVIEWED all there"
    assert done["data"]["notification"]["sent"] is True
    assert done["data"]["amount"] == 850
    kinds = [h["kind"] for h in done["history"]]
    assert kinds.count("task_completed") == 2 and "timer_fired" in kinds and "message_received" in kinds


def test_cli_errors_are_one_line_not_a_traceback(ipflow_cli, tmp_path):
    ipflow_cli("init")
    bad_json = ipflow_cli("start", "demo_intake", "--data", "{oops", expect=2)
    assert "not valid JSON" in bad_json.stderr and "Traceback" not in bad_json.stderr
    unknown = ipflow_cli("start", "no_such_process", expect=1)
    assert "no deployed process 'no_such_process'" in unknown.stderr and "Traceback" not in unknown.stderr
    broken = tmp_path / "broken.bpmn"
    broken.write_text("<definitions>\n  <unclosed>\n")
    invalid = ipflow_cli("validate", str(broken), expect=1)
    assert "broken.bpmn:3: -: not well-formed XML" in invalid.stderr and "Traceback" not in invalid.stderr
    valid = ipflow_cli("validate").stdout
    assert valid.startswith("valid: ") and "demo_intake" in valid and "trademark" in valid


def test_init_with_demo_cases_files_them_once_and_paid_ones_wait_for_a_clerk(ipflow_cli):
    first = ipflow_cli("init", "--demo-cases").stdout
    assert "demo cases filed: 40-2026-000001, 40-2026-000002, 40-2026-000003, 10-2026-000001, 50-2026-000001" in first
    assert "the register already has cases" in ipflow_cli("init", "--demo-cases").stdout
    waiting = {(t["business_key"], t["name"]) for t in ipflow_cli.json("tasks", "--user", "clerk")}
    assert ("40-2026-000001", "Check the filing-date requirements") in waiting
    assert not any(key == "40-2026-000003" for key, _ in waiting)  # its filing fee is not paid yet
