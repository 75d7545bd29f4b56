"""The demo process (bpmn/demo): review, a day's wait, stamping, notice, decision, payment."""

from __future__ import annotations

from engine.services.instances import show_instance, start_instance
from scenario_support import Office


def test_demo_intake_runs_to_the_end(office: Office):
    instance = start_instance(office.ipflow, "demo_intake", {"applicant": "ACME"}, business_key="DEMO-1", actor="clerk")
    office.instance_id, office.number = instance.id, "DEMO-1"
    office.complete("Review filing", reviewer_note="complete", documents_complete=True)
    assert office.current() == ("wait_day",)
    office.move_days(1)
    office.move_days(1)
    office.complete("Decide", decision="accept")
    office.send("payment_received", amount="10.00")
    done = show_instance(office.ipflow, instance.id)
    assert done.status == "completed"
    assert done.data["stamp"]["label"] == "REVIEWED complete"
    assert done.data["notification"]["sent"] is True and done.data["decided"] is True
