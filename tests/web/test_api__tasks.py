"""/api/v1/tasks under the web UI's rules: a clerk token lists its group's tasks with the inbox's
filters, reads a task's form fields, claims and returns it, completes it (bad data 422 with field
paths, good data moves the case on); it cannot see or complete an examiner's task."""

from __future__ import annotations

import pytest

from engine.services.api_tokens import issue_token
from engine.services.instance_operations import suspend_instance
from scenario_support import trademark_at_examination, trademark_filing

PROBLEM = "application/problem+json"


def bearer(ipflow, name: str, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(ipflow, name, role, 30, 'admin').secret}"}


@pytest.fixture
def paid(office):
    """A trademark paid for: its filing-date check waits for a clerk."""
    office.file("trademark", trademark_filing())
    office.pay()
    return office


@pytest.fixture
def clerk(ipflow) -> dict[str, str]:
    return bearer(ipflow, "intake-robot", "clerk")


def check_task(office):
    return next(t for t in office.tasks() if t.element_id == "check")


def test_the_clerk_token_lists_its_groups_tasks_with_the_inbox_filters(client, clerk, paid):
    answer = client.get("/api/v1/tasks?tab=groups&right_type=trademark&task=check&sort=-created&per_page=10", headers=clerk)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    [row] = body["tasks"]
    assert row["id"] == check_task(paid).id and row["application_number"] == paid.number
    assert (row["right_type"], row["element_id"], row["assignee"], row["candidate_roles"]) == (
        "trademark",
        "check",
        None,
        ["clerk"],
    )
    assert (body["total"], body["page"], body["pages"], body["counts"]) == (1, 1, 1, {"mine": 0, "groups": 1})

    assert client.get("/api/v1/tasks?tab=groups&right_type=patent", headers=clerk).get_json()["tasks"] == []
    assert client.get("/api/v1/tasks", headers=clerk).get_json()["tasks"] == []  # "mine" by default: nothing claimed


@pytest.mark.parametrize(
    ("query", "field"),
    [("tab=everything", "tab"), ("due_from=2026-13-01", "due_from"), ("per_page=500", "per_page"),
     ("due_from=2026-05-01&due_to=2026-04-01", "due_to"), ("task=no%20such", "task"), ("text=a%00b", "text")],
)  # fmt: skip
def test_a_bad_filter_is_422_naming_it(client, clerk, paid, query, field):
    answer = client.get(f"/api/v1/tasks?{query}", headers=clerk)
    assert answer.status_code == 422 and answer.mimetype == PROBLEM
    assert f"query.{field}" in answer.get_json()["errors"]


def test_every_open_task_is_for_managers_only(client, ipflow, clerk, paid):
    assert client.get("/api/v1/tasks?tab=all", headers=clerk).status_code == 403
    manager = bearer(ipflow, "backlog-report", "manager")
    assert [t["element_id"] for t in client.get("/api/v1/tasks?tab=all", headers=manager).get_json()["tasks"]] == ["check"]


def test_a_task_shows_its_form_fields(client, clerk, paid):
    task = check_task(paid)
    answer = client.get(f"/api/v1/tasks/{task.id}", headers=clerk)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["task"]["name"] == task.name and body["case"]["application_number"] == paid.number
    assert (body["may_complete"], body["may_claim"], body["may_return"]) == (True, True, False)
    fields = {f["key"]: f for f in body["form"]["fields"]}
    assert list(fields) == ["requirements_present", "filing_date_met", "deficiency_notes"]
    met = fields["filing_date_met"]
    assert (met["type"], met["required"]) == ("radio", True)
    assert [o["value"] for o in met["options"]] == ["yes", "no"]
    assert (fields["deficiency_notes"]["max_length"], fields["deficiency_notes"]["required"]) == (4000, False)


def test_claim_and_return_a_task(client, clerk, paid):
    task_id = check_task(paid).id
    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers=clerk)
    assert claimed.status_code == 200 and claimed.get_json()["assignee"] == "api-intake-robot"
    again = client.post(f"/api/v1/tasks/{task_id}/claim", headers=clerk)
    assert again.status_code == 409 and "already yours" in again.get_json()["detail"]
    assert [t["id"] for t in client.get("/api/v1/tasks?tab=mine", headers=clerk).get_json()["tasks"]] == [task_id]

    returned = client.post(f"/api/v1/tasks/{task_id}/unclaim", headers=clerk)
    assert returned.status_code == 200 and returned.get_json()["assignee"] is None
    assert client.post(f"/api/v1/tasks/{task_id}/unclaim", headers=clerk).status_code == 409  # nobody holds it


def test_a_task_claimed_by_a_person_cannot_be_returned_by_the_token(client, ipflow, clerk, paid):
    task_id = check_task(paid).id
    from engine.services.assignment import claim

    claim(ipflow, "clerk", [task_id])
    refused = client.post(f"/api/v1/tasks/{task_id}/unclaim", headers=clerk)
    assert refused.status_code == 403 and "claimed by clerk; only they or a manager" in refused.get_json()["detail"]
    taken = client.post(f"/api/v1/tasks/{task_id}/claim", headers=clerk)
    assert taken.status_code == 409 and "already claimed by clerk" in taken.get_json()["detail"]
    assert (
        client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"filing_date_met": "yes"}}, headers=clerk).status_code
        == 403
    )


def test_complete_with_bad_data_is_422_with_paths_then_good_data_moves_on(client, clerk, paid):
    task_id = check_task(paid).id
    bad = client.post(
        f"/api/v1/tasks/{task_id}/complete", json={"data": {"filing_date_met": "maybe", "colour": "red"}}, headers=clerk
    )
    assert bad.status_code == 422 and bad.mimetype == PROBLEM
    errors = bad.get_json()["errors"]
    assert set(errors) == {"data.filing_date_met", "data.colour"}
    assert paid.current() == ("check",)
    missing = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}}, headers=clerk)
    assert missing.get_json()["errors"] == {"data.filing_date_met": ["Required."]}
    assert client.post(f"/api/v1/tasks/{task_id}/complete", json={}, headers=clerk).get_json()["errors"] == {
        "data": ["Missing data for required field."]
    }

    done = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"filing_date_met": "yes"}}, headers=clerk)
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["task"]["status"] == "completed" and body["task"]["id"] == task_id
    assert [t["element_id"] for t in body["next_tasks"]] == ["formalities"]  # the clerk's next step in the case
    assert paid.current() == ("formalities",)
    gone = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {"filing_date_met": "yes"}}, headers=clerk)
    assert gone.status_code == 409 and "already completed by api-intake-robot" in gone.get_json()["detail"]


def test_a_clerk_token_can_neither_see_nor_complete_an_examiner_task(client, ipflow, clerk, office):
    at_exam = trademark_at_examination(ipflow)  # office: the library deployed
    [task] = at_exam.tasks()
    assert task.candidate_roles == ("examiner",)
    assert client.get(f"/api/v1/tasks/{task.id}", headers=clerk).status_code == 403
    refused = client.post(f"/api/v1/tasks/{task.id}/complete", json={"data": {"decision": "accept"}}, headers=clerk)
    assert refused.status_code == 403
    assert refused.get_json()["detail"] == (
        f"api-intake-robot may not complete {task.name!r}: it is offered to examiner, and api-intake-robot has clerk"
    )
    assert client.post(f"/api/v1/tasks/{task.id}/claim", headers=clerk).status_code == 403
    assert at_exam.current() == ("examination",)

    examiner = bearer(ipflow, "exam-robot", "examiner")
    done = client.post(f"/api/v1/tasks/{task.id}/complete", json={"data": {"decision": "accept"}}, headers=examiner)
    assert done.status_code == 200, done.get_json()


def test_a_task_of_a_suspended_case_refuses_completion_with_409(client, clerk, paid):
    suspend_instance(paid.ipflow, paid.instance_id, "waiting for the court", actor="manager")
    answer = client.post(
        f"/api/v1/tasks/{check_task(paid).id}/complete", json={"data": {"filing_date_met": "yes"}}, headers=clerk
    )
    assert answer.status_code == 409 and "is suspended" in answer.get_json()["detail"]


def test_an_unknown_task_is_404(client, clerk, paid):
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/api/v1/tasks/{unknown}", headers=clerk).status_code == 404
    assert client.post(f"/api/v1/tasks/{unknown}/claim", headers=clerk).status_code == 404
    assert client.post(f"/api/v1/tasks/{unknown}/complete", json={"data": {}}, headers=clerk).status_code == 404
    assert client.get("/api/v1/tasks/not-a-uuid", headers=clerk).status_code == 404
