"""/api/v1/processes and /api/v1/instances: the deployed definitions and one version's files for
library readers; an instance's state, suspend, resume, terminate (with a reason, audited with the
token's user) and incident retry for operators."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.db.models import AuditEvent, DefinitionVersion, Job, JobStatus
from engine.services.api_tokens import issue_token
from scenario_support import trademark_filing

PROBLEM = "application/problem+json"


def bearer(ipflow, name: str, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(ipflow, name, role, 30, 'admin').secret}"}


@pytest.fixture
def operator(office, ipflow) -> dict[str, str]:
    return bearer(ipflow, "ops-console", "manager")


@pytest.fixture
def paid(office):
    office.file("trademark", trademark_filing())
    office.pay()
    return office


def test_the_processes_with_their_versions(client, ipflow, office):
    answer = client.get("/api/v1/processes", headers=bearer(ipflow, "library-sync", "analyst"))
    assert answer.status_code == 200
    processes = {p["id"]: p for p in answer.get_json()["processes"]}
    assert {"trademark", "patent", "design", "collect_fee"} <= set(processes)
    trademark = processes["trademark"]
    assert (trademark["right_type"], trademark["newest_version"]) == ("trademark", 1)
    [version] = trademark["versions"]
    assert (version["number"], version["deployed_by"], version["running_instances"], len(version["hash"])) == (1, "test", 0, 12)
    assert client.get("/api/v1/processes", headers=bearer(ipflow, "front-desk", "clerk")).status_code == 403


def test_one_version_lists_its_files_and_hashes(client, ipflow, paid):
    reader = bearer(ipflow, "library-sync", "analyst")
    answer = client.get("/api/v1/processes/trademark/versions/1", headers=reader)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    with ipflow.db.reading() as session:
        row = session.scalar(select(DefinitionVersion).where(DefinitionVersion.process_id == "trademark"))
        expected = sorted((f.path, f.kind, f.sha256) for f in row.files)
    assert (body["process_id"], body["number"], body["hash"], body["running_instances"]) == ("trademark", 1, row.content_hash, 1)
    assert [(f["path"], f["kind"], f["sha256"]) for f in body["files"]] == expected
    assert "trademark/trademark.bpmn" in [f["path"] for f in body["files"]]

    missing = client.get("/api/v1/processes/trademark/versions/7", headers=reader)
    assert missing.status_code == 404 and "deployed versions: 1" in missing.get_json()["detail"]
    assert client.get("/api/v1/processes/nothing/versions/1", headers=reader).status_code == 404
    assert client.get("/api/v1/processes/tr%00ademark/versions/1", headers=reader).status_code == 404
    assert client.get("/api/v1/processes/trademark/versions/99999999999", headers=reader).status_code == 404


def test_an_instance_shows_its_state(client, operator, paid):
    answer = client.get(f"/api/v1/instances/{paid.instance_id}", headers=operator)
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["process_id"], body["version"], body["business_key"], body["status"]) == ("trademark", 1, paid.number, "running")
    assert body["current"] == ["check"] and [t["element_id"] for t in body["open_tasks"]] == ["check"]
    assert body["incidents"] == []
    assert client.get("/api/v1/instances/999999", headers=operator).status_code == 404


def test_suspend_resume_terminate_with_reasons_audited(client, ipflow, operator, paid):
    base = f"/api/v1/instances/{paid.instance_id}"
    clerk = bearer(ipflow, "front-desk", "clerk")
    assert client.post(f"{base}/suspend", json={"reason": "x"}, headers=clerk).status_code == 403

    no_reason = client.post(f"{base}/suspend", json={}, headers=operator)
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    assert client.post(f"{base}/suspend", json={"reason": "x" * 501}, headers=operator).status_code == 422
    assert client.post(f"{base}/suspend", json={"reason": "   "}, headers=operator).get_json()["errors"] == {
        "reason": ["Say why, in 1 to 500 characters; the history keeps it."]
    }

    suspended = client.post(f"{base}/suspend", json={"reason": "Court order 12/2026"}, headers=operator)
    assert suspended.status_code == 200 and suspended.get_json()["status"] == "suspended"
    again = client.post(f"{base}/suspend", json={"reason": "again"}, headers=operator)
    assert again.status_code == 409 and "already suspended" in again.get_json()["detail"]
    task_id = paid.tasks()[0].id
    refused = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"filing_date_met": "yes"}}, headers=clerk)
    assert refused.status_code == 409 and "is suspended" in refused.get_json()["detail"]

    resumed = client.post(f"{base}/resume", json={"reason": "Order lifted"}, headers=operator)
    assert resumed.status_code == 200 and resumed.get_json()["status"] == "running"
    assert client.post(f"{base}/resume", json={"reason": "twice"}, headers=operator).status_code == 409

    ended = client.post(f"{base}/terminate", json={"reason": "Withdrawn by the applicant"}, headers=operator)
    assert ended.status_code == 200
    body = ended.get_json()
    assert (body["status"], body["open_tasks"], body["pending_jobs"], body["current"]) == ("terminated", [], [], [])
    finished = client.post(f"{base}/suspend", json={"reason": "late"}, headers=operator)
    assert finished.status_code == 409 and "a finished instance cannot be suspended" in finished.get_json()["detail"]

    with ipflow.db.reading() as session:
        rows = session.execute(
            select(AuditEvent.kind, AuditEvent.actor, AuditEvent.data)
            .where(AuditEvent.instance_id == paid.instance_id, AuditEvent.kind.like("instance_%"))
            .order_by(AuditEvent.id)
        ).all()
    assert [(kind, actor, data["reason"]) for kind, actor, data in rows if kind != "instance_started"] == [
        ("instance_suspended", "api-ops-console", "Court order 12/2026"),
        ("instance_resumed", "api-ops-console", "Order lifted"),
        ("instance_terminated", "api-ops-console", "Withdrawn by the applicant"),
    ]


def test_retry_an_incident(client, ipflow, operator, office):
    filed = office.file("trademark", trademark_filing())
    with ipflow.db.transaction() as session:  # the fee time limit's timer, as the worker leaves it after its last failed try
        job = session.scalar(select(Job).where(Job.instance_id == filed.instance_id, Job.status == JobStatus.PENDING))
        job.status, job.attempts, job.last_error = JobStatus.INCIDENT, 3, "mail server unreachable"
        job_id = job.id
    base = f"/api/v1/instances/{filed.instance_id}"
    shown = client.get(base, headers=operator).get_json()
    assert [(i["id"], i["last_error"]) for i in shown["incidents"]] == [(job_id, "mail server unreachable")]

    retried = client.post(f"{base}/incidents/{job_id}/retry", headers=operator)
    assert retried.status_code == 200, retried.get_json()
    assert retried.get_json()["incidents"] == [] and [j["id"] for j in retried.get_json()["pending_jobs"]] == [job_id]
    assert client.post(f"{base}/incidents/{job_id}/retry", headers=operator).status_code == 409
    assert client.post(f"{base}/incidents/999999/retry", headers=operator).status_code == 404
