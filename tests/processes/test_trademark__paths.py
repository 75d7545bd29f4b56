"""The trademark process, path by path, with the clock moved and messages sent as in real life."""

from __future__ import annotations

from datetime import date

from scenario_support import Office, trademark_filing


def file_and_pay(office: Office, **overrides) -> Office:
    office.file("trademark", trademark_filing(**overrides))
    assert office.number == "40-2026-000001"
    office.pay()
    return office


def through_examination(office: Office, decision: str = "accept", **extra) -> None:
    office.complete("Check the filing-date requirements", filing_date_met="yes", requirements_present=["applicant", "mark", "goods"])
    office.complete("Examine the formalities", representative_ok=True, priority_ok=True)
    office.complete("Check the Nice classification", classes_confirmed=True, class_count_checked=4)
    office.complete("Examine absolute grounds", decision=decision, **extra)


def test_happy_path_registers_and_renews_on_time(office):
    file_and_pay(office)
    assert office.sheets() == [("filing", "550.00", "paid")]  # 520 incl. 3 classes + 30 for the fourth
    assert office.deadlines()[0] == ("fee_payment", "2026-04-02", "met")
    through_examination(office)
    assert office.status() == "published"
    assert office.publication().gazette_number == "2026/10"
    assert office.deadline("opposition").due_date == date(2026, 6, 2)  # three months from publication

    office.move_to(date(2026, 6, 2))
    assert office.current() == ("opposition_wait",)  # still within the last day
    office.move_to(date(2026, 6, 3))
    assert office.status() == "registered"
    entry = office.register_entry()
    assert (entry.registration_number, entry.expiry_date) == ("40R-2026-000001", date(2036, 3, 2))
    assert office.letters() == ["receipt", "publication_notice", "registration_certificate"]

    office.move_to(date(2035, 9, 3))  # six months before expiry
    assert office.letters()[-1] == "renewal_reminder"
    assert office.due_sheet().kind == "renewal" and str(office.due_sheet().total) == "330.00"
    office.pay()
    assert office.register_entry().expiry_date == date(2046, 3, 2)
    assert office.deadline("renewal").due_date == date(2046, 3, 2)
    assert office.instance_status() == "running"


def test_filing_fee_not_paid_means_deemed_withdrawn(office):
    office.file("trademark", trademark_filing())
    office.pay("100.00")  # too little: the balance stays outstanding
    assert office.due_sheet().kind == "filing"
    office.move_to(date(2026, 4, 3))
    assert office.status() == "withdrawn"
    assert office.instance_status() == "completed"
    assert office.letters() == ["receipt", "deemed_withdrawn"]
    assert office.deadlines() == [("fee_payment", "2026-04-02", "missed")]


def test_deficiency_remedied_then_examined(office):
    file_and_pay(office)
    office.complete("Check the filing-date requirements", filing_date_met="no", deficiency_notes="No list of goods")
    assert office.letters()[-1] == "deficiency"
    assert office.deadline("deficiency").legal_kind == "statutory"
    office.send("deficiency_remedied")
    assert office.deadline("deficiency").status == "met"
    through_examination(office)
    assert office.status() == "published"


def test_deficiency_not_remedied_means_deemed_withdrawn(office):
    file_and_pay(office)
    office.complete("Check the filing-date requirements", filing_date_met="no", deficiency_notes="No representation of the mark")
    office.move_to(date(2026, 5, 4))  # 2 May 2026 is a Saturday: the limit runs to Monday 4 May
    assert office.status() != "withdrawn"
    office.move_to(date(2026, 5, 5))
    assert office.status() == "withdrawn"
    assert office.deadline("deficiency").status == "missed"


def test_objection_answered_and_overcome(office):
    file_and_pay(office)
    through_examination(office, decision="object", grounds=["descriptive"], reasons="SPARKLE describes the goods")
    assert office.letters()[-1] == "objection"
    office.send("reply_received")
    office.complete("Assess the applicant's reply", reply_decision="accept", reasons="Acquired distinctiveness shown")
    assert office.status() == "published"


def test_objection_extended_once_then_unanswered_is_refused(office):
    file_and_pay(office)
    through_examination(office, decision="object", grounds=["non_distinctive"], reasons="Laudatory term")
    first_due = office.deadline("objection_reply").due_date
    office.send("extension_requested")
    extended = office.deadline("objection_reply")
    assert extended.extensions == 1 and extended.due_date > first_due
    office.send("extension_requested")  # a second request changes nothing
    assert office.deadline("objection_reply").due_date == extended.due_date
    office.move_to(extended.due_date)
    assert office.current() == ("reply_wait",)  # the extended limit runs to the end of its last day
    office.move_days(2)
    assert office.status() == "refused"
    assert office.letters()[-1] == "refusal"


def test_objection_maintained_after_reply_is_refused(office):
    file_and_pay(office)
    through_examination(office, decision="object", grounds=["generic"], reasons="Generic")
    office.send("reply_received")
    office.complete("Assess the applicant's reply", reply_decision="refuse", reasons="Still generic")
    assert office.status() == "refused"


def test_refused_outright_on_absolute_grounds(office):
    file_and_pay(office)
    through_examination(office, decision="refuse", grounds=["deceptive"], reasons="Misleads about origin")
    assert office.status() == "refused" and office.instance_status() == "completed"


def test_opposition_upheld_refuses_and_rejected_registers(office):
    file_and_pay(office)
    through_examination(office)
    office.send("opposition_filed")
    office.complete("Decide the opposition", opposition_outcome="rejected", reasons="No likelihood of confusion")
    assert office.status() == "registered"


def test_opposition_upheld(office):
    file_and_pay(office)
    through_examination(office)
    office.send("opposition_filed")
    office.complete("Decide the opposition", opposition_outcome="upheld", reasons="Earlier identical mark")
    assert office.status() == "refused"


def test_renewal_in_grace_with_surcharge(office):
    file_and_pay(office)
    through_examination(office)
    office.move_to(date(2026, 6, 3))
    office.move_to(date(2035, 9, 3))
    office.pay("100.00")  # part of the renewal fee only
    office.move_to(date(2036, 3, 3))  # expired on Sunday 2 March; Liberation Day: renewing without surcharge runs to the 4th
    assert office.due_sheet().kind == "renewal"
    office.move_to(date(2036, 3, 5))  # now the grace period with surcharge
    assert office.due_sheet().kind == "renewal_grace" and str(office.due_sheet().total) == "495.00"
    office.pay("200.00")
    office.pay()
    assert office.register_entry().expiry_date == date(2046, 3, 2)
    assert office.deadline("renewal_grace").status == "met"
    assert [d[2] for d in office.deadlines() if d[0] == "renewal"] == ["missed", "open"]  # the new term's limit is open


def test_renewal_not_paid_lapses(office):
    file_and_pay(office)
    through_examination(office)
    office.move_to(date(2026, 6, 3))
    office.move_to(date(2036, 3, 3))
    office.move_to(date(2036, 9, 3))
    assert office.status() == "lapsed"
    assert office.register_entry().status == "lapsed"
    assert office.letters()[-2:] == ["renewal_reminder", "lapse_notice"]
