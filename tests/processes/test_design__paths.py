"""The industrial design process, path by path, with the clock moved and messages sent as in real life.

Dates worked out by hand (office calendar Bulgaria, office time zone Europe/Sofia; filed Monday
2 March 2026). A limit ends on its last day; its timer fires at the start of the next day.
- fee: P1M from 2 Mar 2026 -> Thu 2 Apr 2026.
- formalities: P2M from 2 Mar -> Sat 2 May -> Mon 4 May; extended by P2M -> Sat 4 Jul -> Mon 6 Jul.
- term: P5Y from filing -> 2 Mar 2031 (then 2036, 2041, 2046, 2051 = P25Y, the longest term).
- renewal reminder: P3M before expiry -> 2 Dec 2030, sent as that day ends (3 Dec).
- grace: P6M from the expiry 2 Mar 2031 -> Tue 2 Sep 2031.
- deferment: P30M from priority 15 Oct 2025 -> Sat 15 Apr 2028, Orthodox Easter weekend and
  Easter Monday closed -> Tue 18 Apr 2028; published the next day, Wed 19 Apr (gazette 2028/16).
- fees (design_fees.dmn): 40 filing + 70 examination + 35 per further design + 25 per priority
  claim + 20 for deferment; renewal 100, in the grace period 150.
"""

from __future__ import annotations

from datetime import date

from scenario_support import Office, design_filing


def file_and_pay(office: Office, **overrides) -> Office:
    office.file("design", design_filing(**overrides))
    assert office.number == "50-2026-000001"
    office.pay()
    return office


def through_examination(office: Office, decision: str = "register", **extra) -> None:
    office.complete("Examine the formalities", formalities_met="yes", requirements_present=["applicant", "views", "product"],
                    representative_ok=True, priority_ok=True, creator_ok=True)
    office.complete("Check the Locarno classification", class_confirmed=True, locarno_class_checked="07-01")
    office.complete("Check public order and morality", public_order_decision=decision, **extra)


def registered(office: Office, **overrides) -> Office:
    file_and_pay(office, **overrides)
    through_examination(office)
    return office


def test_happy_path_registers_publishes_and_renews_on_time(office):
    file_and_pay(office)
    assert office.sheets() == [("filing", "145.00", "paid")]  # 40 + 70 + 35 for the second design
    assert office.deadlines() == [("fee_payment", "2026-04-02", "met")]
    through_examination(office)
    assert office.status() == "registered"
    entry = office.register_entry()
    assert (entry.registration_number, entry.registered_on, entry.expiry_date, entry.status) == (
        "50R-2026-000001", date(2026, 3, 2), date(2031, 3, 2), "in_force")
    publication = office.publication()
    assert (publication.kind, publication.gazette_number, publication.published_on) == ("registration", "2026/10", date(2026, 3, 2))
    assert office.letters() == ["receipt", "publication_notice", "registration_certificate"]
    assert office.deadlines() == [("fee_payment", "2026-04-02", "met"), ("renewal", "2031-03-04", "open")]
    assert office.current() == ("ds_reminder_due",)

    office.move_to(date(2030, 12, 1))
    assert office.letters()[-1] == "registration_certificate"
    office.move_to(date(2030, 12, 2))  # the reminder goes out as 2 December begins
    assert office.letters()[-1] == "renewal_reminder"
    assert (office.due_sheet().kind, str(office.due_sheet().total)) == ("renewal", "100.00")
    office.pay()
    assert office.register_entry().expiry_date == date(2036, 3, 2)
    assert office.sheets() == [("filing", "145.00", "paid"), ("renewal", "100.00", "paid")]
    assert office.deadlines()[1:] == [("renewal", "2031-03-04", "met"), ("renewal", "2036-03-04", "open")]
    assert office.status() == "registered" and office.instance_status() == "running"
    assert office.current() == ("ds_reminder_due",)


def test_deferment_to_its_longest_then_published(office):
    # Asked for more than the law allows: deferment ends 30 months from the priority date.
    file_and_pay(office, deferment_requested=True, deferred_until="2030-01-01",
                 priority_claims=[{"country": "DE", "number": "40 2025 012 345.6", "date": "2025-10-15"}])
    assert office.sheets() == [("filing", "190.00", "paid")]  # 145 + 25 priority + 20 deferment
    through_examination(office)
    assert office.status() == "registered"
    assert office.publication() is None
    deferment = office.deadline("deferment")
    assert (deferment.event_date, deferment.due_date, deferment.legal_kind, deferment.status) == (
        date(2025, 10, 15), date(2028, 4, 18), "statutory", "open")
    assert office.letters() == ["receipt"]

    office.move_to(date(2028, 4, 18))
    assert office.current() == ("ds_deferment_wait",)  # still deferred on its last day
    office.move_to(date(2028, 4, 19))
    publication = office.publication()
    assert (publication.gazette_number, publication.published_on) == ("2028/16", date(2028, 4, 19))
    assert office.deadline("deferment").status == "met"
    assert office.letters() == ["receipt", "publication_notice", "registration_certificate"]
    assert office.status() == "registered"
    assert office.register_entry().expiry_date == date(2031, 3, 2)  # the term runs from filing, deferred or not
    assert office.current() == ("ds_reminder_due",)


def test_deferment_ended_early_at_the_applicants_request(office):
    file_and_pay(office, deferment_requested=True, deferred_until="2027-03-01")
    assert office.sheets() == [("filing", "165.00", "paid")]
    through_examination(office)
    assert office.deadlines()[-1] == ("deferment", "2027-03-01", "open")  # the applicant's date, within 30 months

    office.move_to(date(2026, 6, 15))
    assert office.publication() is None
    office.send("publication_requested")
    publication = office.publication()
    assert (publication.gazette_number, publication.published_on) == ("2026/25", date(2026, 6, 15))
    assert office.deadline("deferment").status == "cancelled"
    assert office.letters() == ["receipt", "publication_notice", "registration_certificate"]
    assert office.status() == "registered"


def test_filing_fee_not_paid_means_deemed_withdrawn(office):
    office.file("design", design_filing())
    office.pay("100.00")  # 45 short: the balance stays outstanding
    assert office.due_sheet().kind == "filing"
    office.move_to(date(2026, 4, 2))
    assert office.status() == "filed"
    office.move_to(date(2026, 4, 3))
    assert office.status() == "withdrawn"
    assert office.instance_status() == "completed"
    assert office.letters() == ["receipt", "deemed_withdrawn"]
    assert office.deadlines() == [("fee_payment", "2026-04-02", "missed")]
    assert office.sheets() == [("filing", "145.00", "due")]
    assert office.register_entry() is None


def test_deficiency_remedied_then_registered(office):
    file_and_pay(office)
    office.complete("Examine the formalities", formalities_met="no", requirements_present=["applicant", "product"],
                    deficiency_notes="Design 2 has no views fit for reproduction")
    assert office.letters()[-1] == "deficiency"
    assert office.deadlines()[-1] == ("formalities", "2026-05-04", "open")
    assert office.deadline("formalities").legal_kind == "office-set"
    office.move_to(date(2026, 4, 20))
    office.send("deficiency_remedied")
    assert office.deadline("formalities").status == "met"
    through_examination(office)
    assert office.status() == "registered"
    assert office.publication().published_on == date(2026, 4, 20)
    assert office.letters() == ["receipt", "deficiency", "publication_notice", "registration_certificate"]


def test_deficiency_not_remedied_after_one_extension_means_deemed_withdrawn(office):
    file_and_pay(office)
    office.complete("Examine the formalities", formalities_met="no", deficiency_notes="No product indication")
    office.send("extension_requested")
    extended = office.deadline("formalities")
    assert (extended.due_date, extended.extensions) == (date(2026, 7, 6), 1)
    office.send("extension_requested")  # an office-set limit is extended once only
    assert office.deadline("formalities").due_date == date(2026, 7, 6)
    office.move_to(date(2026, 7, 6))
    assert office.current() == ("ds_deficiency_wait",)
    office.move_to(date(2026, 7, 7))
    assert office.status() == "withdrawn" and office.instance_status() == "completed"
    assert office.deadlines()[-1] == ("formalities", "2026-07-06", "missed")
    assert office.letters() == ["receipt", "deficiency", "deemed_withdrawn"]


def test_refused_as_contrary_to_public_order(office):
    file_and_pay(office)
    through_examination(office, decision="refuse", grounds=["public_policy"], reasons="The design glorifies a terrorist organisation")
    assert office.status() == "refused" and office.instance_status() == "completed"
    assert office.letters() == ["receipt", "refusal"]
    assert office.register_entry() is None and office.publication() is None


def test_renewal_in_grace_with_surcharge(office):
    registered(office)
    office.move_to(date(2030, 12, 3))
    office.pay("40.00")  # part of the renewal fee only
    assert office.current() == ("ds_renewal_wait",)
    office.move_to(date(2031, 3, 5))  # the term ended on 2 March: grace period with surcharge
    assert office.deadline("renewal").status == "missed"
    assert office.deadlines()[-1] == ("renewal_grace", "2031-09-02", "open")
    assert (office.due_sheet().kind, str(office.due_sheet().total)) == ("renewal_grace", "150.00")
    assert office.letters()[-2:] == ["renewal_reminder", "renewal_reminder"]  # the second one names the grace period
    assert office.register_entry().status == "in_force"
    office.pay("50.00")
    assert office.current() == ("ds_grace_wait",)
    office.pay()
    assert office.deadline("renewal_grace").status == "met"
    assert office.register_entry().expiry_date == date(2036, 3, 2)  # renewed from the old expiry, not from payment
    assert office.sheets()[-1] == ("renewal_grace", "150.00", "paid")
    assert office.deadlines()[-1] == ("renewal", "2036-03-04", "open")
    assert office.status() == "registered"


def test_renewal_not_paid_lapses(office):
    registered(office)
    office.move_to(date(2030, 12, 3))
    office.move_to(date(2031, 3, 5))
    office.move_to(date(2031, 9, 2))
    assert office.status() == "registered"  # the grace period runs to the end of 2 September
    office.move_to(date(2031, 9, 3))
    assert office.status() == "lapsed" and office.instance_status() == "completed"
    assert office.register_entry().status == "lapsed"
    assert office.deadlines()[-2:] == [("renewal", "2031-03-04", "missed"), ("renewal_grace", "2031-09-02", "missed")]
    assert office.letters()[-3:] == ["renewal_reminder", "renewal_reminder", "lapse_notice"]


def test_protection_ends_after_twenty_five_years(office):
    registered(office)
    for reminder, new_expiry in ((date(2030, 12, 3), date(2036, 3, 2)), (date(2035, 12, 3), date(2041, 3, 2)),
                                 (date(2040, 12, 3), date(2046, 3, 2)), (date(2045, 12, 3), date(2051, 3, 2))):
        office.move_to(reminder)
        assert office.due_sheet().kind == "renewal"
        office.pay()
        assert office.register_entry().expiry_date == new_expiry
    assert [d for d in office.deadlines() if d[0] == "renewal"] == [
        ("renewal", "2031-03-04", "met"), ("renewal", "2036-03-04", "met"),
        ("renewal", "2041-03-05", "met"), ("renewal", "2046-03-02", "met")]  # no fifth renewal is offered
    assert office.current() == ("ds_final_expiry",)
    office.move_to(date(2050, 12, 3))
    assert office.letters().count("renewal_reminder") == 4
    office.move_to(date(2051, 3, 2))
    assert office.register_entry().status == "in_force"
    office.move_to(date(2051, 3, 3))
    assert office.status() == "expired" and office.instance_status() == "completed"
    entry = office.register_entry()
    assert (entry.status, entry.expiry_date) == ("expired", date(2051, 3, 2))
    assert office.sheets() == [("filing", "145.00", "paid")] + [("renewal", "100.00", "paid")] * 4
    assert office.letters()[-1] == "renewal_reminder"  # expiry at the end of the longest term needs no letter
