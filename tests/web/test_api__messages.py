"""POST /api/v1/messages/{name}: a payment moves a trademark on; a correlation that matches
nothing is 404, several 409, a case waiting for something else 409 naming it; unknown messages,
bad payloads and senders whose role may not send the message are refused before anything moves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.services.api_tokens import issue_token
from engine.services.instance_operations import suspend_instance
from engine.services.instances import show_instance, start_instance
from engine.services.jobs import run_due
from engine.services.tasks import complete_task
from ipflow_testing import row_counts
from scenario_support import trademark_filing

PROBLEM = "application/problem+json"


def bearer(ipflow, name: str, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(ipflow, name, role, 30, 'admin').secret}"}


@pytest.fixture
def gateway(office, ipflow) -> dict[str, str]:
    return bearer(ipflow, "payment-gateway", "payments")


@pytest.fixture
def filed(office):
    return office.file("trademark", trademark_filing())


def pay(client, headers, number: str, amount: str, reference: str = "PAY-1"):
    body = {"correlation": {"business_key": number}, "payload": {"amount": amount, "reference": reference}}
    return client.post("/api/v1/messages/payment_received", json=body, headers=headers)


def test_a_payment_through_the_api_moves_the_trademark_on(client, gateway, filed):
    assert filed.current() == ("fee_wait",)
    answer = pay(client, gateway, filed.number, str(filed.due_sheet().total))

    assert answer.status_code == 202, answer.get_json()
    body = answer.get_json()
    assert body["instance_id"] == filed.instance_id and body["application_number"] == filed.number
    assert body["status"] == filed.status() == "filed"  # the application's status word: the process sets it later
    assert body["instance_status"] == "running"
    assert body["current"] == list(filed.current()) == ["check"]  # on to the filing-date check
    assert filed.sheets()[0][2] == "paid"
    history = show_instance(filed.ipflow, filed.instance_id).history
    received = [h for h in history if h.kind == "message_received"]
    assert received[0].actor == "api-payment-gateway"
    assert received[0].data["data"] == {"amount": str(filed.sheets()[0][1]), "reference": "PAY-1"}


def test_a_correlation_that_matches_no_case_is_404_naming_it(client, gateway, filed):
    answer = pay(client, gateway, "40-2026-999999", "10.00")
    assert answer.status_code == 404 and answer.mimetype == PROBLEM
    assert "no case matches business_key=40-2026-999999" in answer.get_json()["detail"]


def test_a_case_waiting_for_another_message_is_409_naming_what_it_waits_for(client, ipflow, filed):
    portal = bearer(ipflow, "efiling-portal", "efiling")
    body = {"correlation": {"business_key": filed.number}, "payload": {"note": "We disagree."}}
    answer = client.post("/api/v1/messages/reply_received", json=body, headers=portal)
    assert answer.status_code == 409
    assert answer.get_json()["detail"] == (
        f"process instance {filed.instance_id} (business_key={filed.number}) is not waiting for 'reply_received' now; "
        "it waits for: payment_received"
    )


def test_two_cases_matching_is_409_saying_how_many(client, ipflow, office, clock):
    for _ in range(2):  # the demo process, keyed by hand: two instances wait for one payment
        instance = start_instance(ipflow, "demo_intake", {"applicant": "ACME"}, business_key="DEMO-1")
        review = show_instance(ipflow, instance.id).open_tasks[0]
        complete_task(ipflow, review.id, "clerk", {"reviewer_note": "ok"})
    clock.advance(timedelta(days=1))
    while run_due(ipflow).ran:  # the day passes, the file is stamped, the applicant notified
        pass
    for task in [t for t in office_tasks(ipflow) if t.element_id == "decide"]:
        complete_task(ipflow, task.id, "examiner", {"decision": "accept"})

    answer = pay(client, bearer(ipflow, "bank", "payments"), "DEMO-1", "5.00")
    assert answer.status_code == 409
    assert "matches 2 instances" in answer.get_json()["detail"]


def office_tasks(ipflow):
    from engine.services.tasks import list_tasks

    return list_tasks(ipflow)


def test_an_unknown_message_is_404_listing_the_known_ones(client, gateway, filed):
    answer = client.post("/api/v1/messages/fee_paid", json={"correlation": {"business_key": filed.number}}, headers=gateway)
    assert answer.status_code == 404
    detail = answer.get_json()["detail"]
    assert "no message 'fee_paid'" in detail and "payment_received" in detail and "opposition_filed" in detail


@pytest.mark.parametrize(
    ("payload", "errors"),
    [
        ({"amount": "0", "reference": "P-1"}, {"payload.amount": ["The amount must be more than 0."]}),
        ({"amount": "-5.00", "reference": "P-1"}, {"payload.amount": ["The amount must be more than 0."]}),
        ({"amount": "12.345", "reference": "P-1"}, {"payload.amount": ["The amount has at most 2 decimals."]}),
        ({"amount": "lots", "reference": "P-1"}, {"payload.amount": ['Give the amount as a decimal string, e.g. "850.00"; got \'lots\'.']}),
        ({"amount": "NaN", "reference": "P-1"}, {"payload.amount": ["The amount must be more than 0."]}),
        ({"amount": "10.00"}, {"payload.reference": ["Required."]}),
        ({"amount": "10.00", "reference": "P-1", "case_id": 7},
         {"payload.case_id": ["Not a field of this message; it carries: amount, reference."]}),
    ],
)  # fmt: skip
def test_a_payment_payload_is_checked_before_anything_moves(client, ipflow, gateway, filed, payload, errors):
    before = row_counts(ipflow)
    body = {"correlation": {"business_key": filed.number}, "payload": payload}
    answer = client.post("/api/v1/messages/payment_received", json=body, headers=gateway)
    assert answer.status_code == 422 and answer.mimetype == PROBLEM
    assert answer.get_json()["errors"] == errors
    assert row_counts(ipflow) == before
    assert filed.current() == ("fee_wait",)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"payload": {}}, "correlation"),
        ({"correlation": {}}, "correlation"),
        ({"correlation": {"business_key": 42}}, "correlation.business_key.value"),
        ({"correlation": {"Business Key": "x"}}, "correlation.Business Key"),
        ({"correlation": {"business_key": "a\x00b"}}, "correlation.business_key"),
        ({"correlation": {"business_key": "x"}, "payload": []}, "payload"),
        ({"correlation": {"business_key": "x"}, "extra": 1}, "extra"),
    ],
)
def test_a_malformed_message_is_422_naming_the_field(client, gateway, body, field):
    answer = client.post("/api/v1/messages/payment_received", json=body, headers=gateway)
    assert answer.status_code == 422, answer.get_json()
    assert field in answer.get_json()["errors"]


def test_a_role_that_may_not_send_the_message_is_403_naming_the_roles(client, ipflow, gateway, filed):
    body = {"correlation": {"business_key": filed.number}}
    answer = client.post("/api/v1/messages/opposition_filed", json=body, headers=gateway)
    assert answer.status_code == 403
    assert (
        answer.get_json()["detail"]
        == "message 'opposition_filed' may be sent by: efiling, clerk, manager; api-payment-gateway holds payments"
    )

    examiner = bearer(ipflow, "exam-robot", "examiner")
    assert pay(client, examiner, filed.number, "10.00").status_code == 403
    clerk = bearer(ipflow, "front-desk", "clerk")
    assert pay(client, clerk, filed.number, str(filed.due_sheet().total)).status_code == 202


def test_a_suspended_case_refuses_the_message_with_409(client, gateway, filed):
    suspend_instance(filed.ipflow, filed.instance_id, "under review", actor="manager")
    answer = pay(client, gateway, filed.number, "10.00")
    assert answer.status_code == 409
    assert "is suspended; resume it first" in answer.get_json()["detail"]
