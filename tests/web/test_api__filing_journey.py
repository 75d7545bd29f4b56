"""The integration story of issue 7 over HTTP only: the e-filing portal files a trademark (and
retries the same request, which files nothing more), the payment gateway pays through /messages,
a clerk's integration clears the filing-date check through /tasks, and the portal watches the
application's status move at each step."""

from __future__ import annotations

from sqlalchemy import func, select

from engine.db.models import Case
from engine.services.api_tokens import issue_token
from scenario_support import trademark_filing


def bearer(ipflow, name: str, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(ipflow, name, role, 30, 'admin').secret}"}


def test_a_trademark_filed_paid_and_checked_over_the_api(client, office, ipflow):
    portal = bearer(ipflow, "efiling-portal", "efiling")
    gateway = bearer(ipflow, "payment-gateway", "payments")
    clerk = bearer(ipflow, "reception-script", "clerk")
    examiner = bearer(ipflow, "examination-assistant", "examiner")
    filing = trademark_filing(goods_services=[{"nice_class": 3, "terms": "Soaps"}])

    first = client.post("/api/v1/applications/trademarks", json=filing, headers={**portal, "Idempotency-Key": "portal-7781"})
    again = client.post("/api/v1/applications/trademarks", json=filing, headers={**portal, "Idempotency-Key": "portal-7781"})
    assert (first.status_code, again.status_code) == (201, 201)
    receipt = first.get_json()
    assert again.get_json() == receipt and again.headers["Idempotent-Replayed"] == "true"
    with ipflow.db.reading() as session:
        assert session.scalar(select(func.count(Case.id))) == 1
    number = receipt["application_number"]
    status_url = receipt["status_url"]

    def status() -> dict:
        answer = client.get(status_url, headers=portal)
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    filed = status()
    assert filed["application_number"] == number and filed["status"] == "filed"
    assert [(s["status"], s["total"]) for s in filed["fee_sheets"]] == [("due", receipt["fee_sheet"]["total"])]
    assert [d["kind"] for d in filed["open_deadlines"]] == ["fee_payment"]

    payment = {"correlation": {"business_key": number}, "payload": {"amount": receipt["fee_sheet"]["total"], "reference": "GW-55120"}}
    paid = client.post("/api/v1/messages/payment_received", json=payment, headers=gateway)
    assert paid.status_code == 202 and paid.get_json()["current"] == ["check"]
    after_payment = status()
    assert [s["status"] for s in after_payment["fee_sheets"]] == ["paid"] and after_payment["open_deadlines"] == []
    assert [p["reference"] for p in after_payment["payments"]] == ["GW-55120"]

    def complete(headers: dict, element_id: str, data: dict) -> None:
        listed = client.get("/api/v1/tasks?tab=groups", headers=headers).get_json()["tasks"]
        task = next(t for t in listed if t["application_number"] == number and t["element_id"] == element_id)
        assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=headers).status_code == 200
        done = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data}, headers=headers)
        assert done.status_code == 200, done.get_json()

    complete(clerk, "check", {"filing_date_met": "yes"})
    complete(clerk, "formalities", {})
    assert status()["status"] == "filed"  # examined, not yet decided
    complete(examiner, "classification", {"class_count_checked": 1})
    complete(examiner, "examination", {"decision": "accept"})
    published = status()
    assert published["status"] == "published" and published["publications"][0]["gazette_number"]
    assert [d["kind"] for d in published["open_deadlines"]] == ["opposition"]

    history = client.get(f"{status_url}/history?limit=200", headers=portal).get_json()
    actors = {h["actor"] for h in history["items"]}
    assert {"api-efiling-portal", "api-payment-gateway", "api-reception-script", "api-examination-assistant"} <= actors
