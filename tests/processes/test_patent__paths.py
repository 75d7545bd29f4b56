"""The patent process, path by path, with the clock moved and messages sent as in real life.

Every case is filed on Monday 2 March 2026 (the clock fixture) with a German priority of
16 June 2025, 12 claims and one priority claim. Dates below follow DOMAIN.md: count from the day
after the event, same day number N months on (the last day of a shorter month, or of the target
month when the event was a month's last day), a closed day moves the end to the next working day
of the Bulgarian office calendar, and a limit's timer fires when its last day is over.
"""

from __future__ import annotations

from datetime import date

from scenario_support import Office, patent_filing

FILING_FEES = "485.00"  # 120 up to 10 claims + 2 x 20 for claims 11-12 + 25 for one priority + 300 search
PUBLISHED_ON = date(2026, 12, 17)  # 18 months from 16 June 2025 end on Wednesday 16 December 2026
EXAM_REQUEST_DUE = "2027-06-17"  # six months from the publication of 17 December 2026
DECIDED_ON = date(2027, 1, 11)  # a Monday: examination requested, paid for and decided that day


def file_and_pay(office: Office, **overrides) -> Office:
    office.file("patent", patent_filing(**overrides))
    assert office.number == "10-2026-000001"
    office.pay()
    return office


def through_search(office: Office) -> None:
    office.complete("Examine the formalities", formalities_met="yes", formalities_present=["inventors", "abstract", "priority"])
    office.complete(
        "Classify (IPC) and route to an examining unit", ipc_confirmed=True, ipc_main="H02S 40/10", examining_unit="electricity"
    )
    office.complete("Draw up the search report", search_outcome="a", citations="US 2019/0123456 A1 (A): background", unity=True)


def to_examination(office: Office) -> None:
    """File, pay, pass formalities and search, publish at 18 months, request examination on DECIDED_ON and pay for it."""
    file_and_pay(office)
    through_search(office)
    office.move_to(PUBLISHED_ON)
    office.move_to(DECIDED_ON)
    office.send("examination_requested")
    assert office.due_sheet().kind == "examination" and str(office.due_sheet().total) == "400.00"
    office.pay()
    assert office.task_names() == ["Examine the application (novelty, inventive step)"]


def grant(office: Office) -> None:
    """Decide to grant on DECIDED_ON and pay the grant fee at once."""
    office.complete("Examine the application (novelty, inventive step)", decision="grant", reasons="")
    assert office.due_sheet().kind == "grant" and str(office.due_sheet().total) == "200.00"
    office.pay()


def test_happy_path_grants_and_collects_two_annuities(office):
    file_and_pay(office)
    assert office.sheets() == [("filing", FILING_FEES, "paid")]
    assert office.deadlines() == [("fee_payment", "2026-04-02", "met")]
    through_search(office)
    assert office.deadlines()[-1] == ("publication", "2026-12-16", "open")

    office.move_to(date(2026, 12, 16))
    assert office.current() == ("pt_publication_wait",)  # the 18 months run to the end of their last day
    office.move_to(PUBLISHED_ON)
    publication = office.publication()
    assert (publication.kind, publication.gazette_number, publication.published_on) == ("application", "2026/51", PUBLISHED_ON)
    assert office.status() == "published"
    assert office.deadlines()[-2:] == [("publication", "2026-12-16", "met"), ("examination_request", EXAM_REQUEST_DUE, "open")]
    assert office.deadline("examination_request").legal_kind == "statutory"

    office.move_to(DECIDED_ON)
    office.send("examination_requested")
    office.pay()
    assert office.deadlines()[-2:] == [
        ("examination_request", EXAM_REQUEST_DUE, "met"),
        ("examination_fee", EXAM_REQUEST_DUE, "met"),
    ]
    grant(office)
    assert office.deadline("grant_fee").due_date == date(2027, 3, 11)  # two months from the decision
    assert office.deadline("grant_fee").status == "met"
    assert office.status() == "granted"
    entry = office.register_entry()
    assert (entry.registration_number, entry.registered_on, entry.expiry_date, entry.status) == (
        "10R-2027-000001",
        DECIDED_ON,
        date(2046, 3, 2),
        "in_force",
    )  # twenty years from filing
    assert office.sheets() == [("filing", FILING_FEES, "paid"), ("examination", "400.00", "paid"), ("grant", "200.00", "paid")]
    assert office.letters() == ["receipt", "publication_notice", "acceptance", "grant_notice"]

    # Year 3 falls due at the end of the month of the second anniversary: Friday 31 March 2028.
    assert office.deadlines()[-1] == ("annuity", "2028-03-31", "open")
    office.move_to(date(2028, 1, 30))
    assert office.letters()[-1] == "grant_notice"  # the reminder goes out two months before
    office.move_to(date(2028, 1, 31))
    assert office.letters()[-1] == "renewal_reminder"
    assert office.due_sheet().kind == "annuity" and str(office.due_sheet().total) == "50.00"
    office.pay()
    # Year 4: 31 March 2029 is a Saturday, so the annuity is due on Monday 2 April 2029.
    assert office.deadlines()[-2:] == [("annuity", "2028-03-31", "met"), ("annuity", "2029-04-02", "open")]
    office.move_to(date(2029, 1, 31))
    assert str(office.due_sheet().total) == "75.00"
    office.pay("25.00")  # part of it: the balance stays outstanding
    assert office.deadline("annuity").status == "open"
    office.pay()
    # Year 5: 31 March 2030 is a Sunday -> Monday 1 April 2030.
    assert office.deadlines()[-2:] == [("annuity", "2029-04-02", "met"), ("annuity", "2030-04-01", "open")]
    assert office.sheets()[-2:] == [("annuity", "50.00", "paid"), ("annuity", "75.00", "paid")]
    assert office.letters()[-2:] == ["renewal_reminder", "renewal_reminder"]
    assert office.status() == "granted" and office.instance_status() == "running"


def test_filing_fees_not_paid_means_deemed_withdrawn(office):
    office.file("patent", patent_filing())
    office.pay("120.00")  # the basic fee only
    office.move_to(date(2026, 4, 2))
    assert office.status() == "filed"
    office.move_to(date(2026, 4, 3))
    assert office.status() == "withdrawn" and office.instance_status() == "completed"
    assert office.deadlines() == [("fee_payment", "2026-04-02", "missed")]
    assert office.sheets() == [("filing", FILING_FEES, "due")]
    assert office.letters() == ["receipt", "deemed_withdrawn"]


def test_formal_deficiency_remedied_then_searched(office):
    file_and_pay(office)
    office.complete("Examine the formalities", formalities_met="no", formalities_notes="The inventor is not designated.")
    # Two months from 2 March end on Saturday 2 May 2026; the office reopens on Monday 4 May.
    assert office.deadlines()[-1] == ("formalities", "2026-05-04", "open")
    assert office.deadline("formalities").legal_kind == "office-set"
    assert office.letters() == ["receipt", "deficiency"]
    office.move_days(10)
    office.send("deficiency_remedied")
    assert office.deadlines()[-1] == ("formalities", "2026-05-04", "met")
    through_search(office)
    assert office.current() == ("pt_publication_wait",)
    assert office.deadlines()[-1] == ("publication", "2026-12-16", "open")


def test_formal_deficiency_not_remedied_means_deemed_withdrawn(office):
    file_and_pay(office)
    office.complete("Examine the formalities", formalities_met="no", formalities_notes="No abstract.")
    office.move_to(date(2026, 5, 4))
    assert office.current() == ("pt_deficiency_wait",)
    office.move_to(date(2026, 5, 5))
    assert office.status() == "withdrawn" and office.instance_status() == "completed"
    assert office.deadlines()[-1] == ("formalities", "2026-05-04", "missed")
    assert office.letters() == ["receipt", "deficiency", "deemed_withdrawn"]
    assert office.publication() is None


def test_examination_not_requested_means_deemed_withdrawn(office):
    file_and_pay(office)
    through_search(office)
    office.move_to(PUBLISHED_ON)
    office.move_to(date(2027, 6, 17))
    assert office.current() == ("pt_exam_request_wait",)
    office.move_to(date(2027, 6, 18))
    assert office.status() == "withdrawn" and office.instance_status() == "completed"
    assert office.deadlines()[-1] == ("examination_request", EXAM_REQUEST_DUE, "missed")
    assert office.letters() == ["receipt", "publication_notice", "deemed_withdrawn"]


def test_examination_fee_not_paid_means_deemed_withdrawn(office):
    file_and_pay(office)
    through_search(office)
    office.move_to(PUBLISHED_ON)
    office.move_to(date(2027, 6, 1))
    office.send("examination_requested")  # requested in time, but the fee never comes
    office.move_to(date(2027, 6, 18))
    assert office.status() == "withdrawn"
    assert office.deadlines()[-2:] == [
        ("examination_request", EXAM_REQUEST_DUE, "met"),
        ("examination_fee", EXAM_REQUEST_DUE, "missed"),
    ]
    assert office.sheets()[-1] == ("examination", "400.00", "due")
    assert office.letters()[-1] == "deemed_withdrawn"


def test_office_actions_answered_then_granted(office):
    file_and_pay(office)
    through_search(office)
    office.send("early_publication_requested")  # published at once instead of at 18 months
    assert office.publication().published_on == date(2026, 3, 2) and office.publication().gazette_number == "2026/10"
    assert office.deadlines()[-2:] == [("publication", "2026-12-16", "met"), ("examination_request", "2026-09-02", "open")]
    office.send("examination_requested")
    office.pay()

    office.complete(
        "Examine the application (novelty, inventive step)",
        decision="office_action",
        objections=["novelty"],
        reasons="Claim 1 is anticipated by D1.",
    )
    assert office.deadlines()[-1] == ("office_action_reply", "2026-07-02", "open")  # four months, office-set
    assert office.letters()[-1] == "objection"
    office.move_to(date(2026, 5, 4))
    office.send("reply_received")
    assert office.deadline("office_action_reply").status == "met"
    office.complete(
        "Examine the application (novelty, inventive step)",
        decision="office_action",
        objections=["inventive_step"],
        reasons="The amended claim 1 is obvious over D1 and D2.",
    )
    assert office.deadlines()[-1] == ("office_action_reply", "2026-09-04", "open")  # four months from 4 May
    office.move_to(date(2026, 7, 1))
    office.send("reply_received")
    office.complete("Examine the application (novelty, inventive step)", decision="grant", reasons="")
    assert office.deadlines()[-1] == ("grant_fee", "2026-09-01", "open")
    office.pay()
    assert office.status() == "granted"
    assert office.register_entry().registered_on == date(2026, 7, 1)
    assert [d for d in office.deadlines() if d[0] == "office_action_reply"] == [
        ("office_action_reply", "2026-07-02", "met"),
        ("office_action_reply", "2026-09-04", "met"),
    ]
    assert office.letters() == ["receipt", "publication_notice", "objection", "objection", "acceptance", "grant_notice"]


def test_office_action_unanswered_after_an_extension_means_deemed_withdrawn(office):
    to_examination(office)
    office.complete(
        "Examine the application (novelty, inventive step)",
        decision="office_action",
        objections=["clarity"],
        reasons="Claim 3 is unclear.",
    )
    assert office.deadlines()[-1] == ("office_action_reply", "2027-05-11", "open")
    office.send("extension_requested")
    # Four months more from 11 May end on Saturday 11 September 2027 -> Monday 13 September.
    extended = office.deadline("office_action_reply")
    assert (extended.due_date, extended.extensions) == (date(2027, 9, 13), 1)
    office.send("extension_requested")  # a second request changes nothing
    assert office.deadline("office_action_reply").due_date == date(2027, 9, 13)
    office.move_to(date(2027, 9, 13))
    assert office.current() == ("pt_reply_wait",)
    office.move_to(date(2027, 9, 14))
    assert office.status() == "withdrawn" and office.instance_status() == "completed"
    assert office.deadlines()[-1] == ("office_action_reply", "2027-09-13", "missed")
    assert office.letters()[-2:] == ["objection", "deemed_withdrawn"]


def test_refused_on_examination(office):
    to_examination(office)
    office.complete(
        "Examine the application (novelty, inventive step)",
        decision="refuse",
        objections=["excluded"],
        reasons="A method for doing business as such is not an invention.",
    )
    assert office.status() == "refused" and office.instance_status() == "completed"
    assert office.letters()[-1] == "refusal"
    assert office.register_entry() is None


def test_grant_fee_not_paid_means_deemed_withdrawn(office):
    to_examination(office)
    office.complete("Examine the application (novelty, inventive step)", decision="grant", reasons="")
    assert office.letters()[-1] == "acceptance"
    office.move_to(date(2027, 3, 11))
    assert office.status() == "published"
    office.move_to(date(2027, 3, 12))
    assert office.status() == "withdrawn" and office.instance_status() == "completed"
    assert office.deadlines()[-1] == ("grant_fee", "2027-03-11", "missed")
    assert office.sheets()[-1] == ("grant", "200.00", "due")
    assert office.register_entry() is None
    assert office.letters()[-2:] == ["acceptance", "deemed_withdrawn"]


def test_annuity_paid_in_the_grace_period_with_surcharge(office):
    to_examination(office)
    grant(office)
    office.move_to(date(2028, 4, 1))  # year 3 was due on 31 March 2028: the reminder went out, nothing was paid
    assert office.letters()[-1] == "renewal_reminder"
    assert office.due_sheet().kind == "annuity_grace" and str(office.due_sheet().total) == "75.00"  # 50 + 50%
    # Six months from the last day of March end on the last day of September: Saturday 30th -> Monday 2 October 2028.
    assert office.deadlines()[-2:] == [("annuity", "2028-03-31", "open"), ("annuity_grace", "2028-10-02", "open")]
    office.move_to(date(2028, 9, 15))
    office.pay("50.00")  # the annuity without the surcharge is not enough
    assert office.deadline("annuity_grace").status == "open"
    office.pay()
    assert office.deadlines()[-3:] == [
        ("annuity", "2028-03-31", "met"),
        ("annuity_grace", "2028-10-02", "met"),
        ("annuity", "2029-04-02", "open"),
    ]
    assert office.register_entry().status == "in_force" and office.status() == "granted"


def test_annuity_not_paid_in_the_grace_period_lapses(office):
    to_examination(office)
    grant(office)
    office.move_to(date(2028, 4, 1))
    office.move_to(date(2028, 10, 2))
    assert office.current() == ("pt_grace_wait",)
    office.move_to(date(2028, 10, 3))
    assert office.status() == "lapsed" and office.instance_status() == "completed"
    assert office.register_entry().status == "lapsed"
    assert office.deadlines()[-2:] == [("annuity", "2028-03-31", "missed"), ("annuity_grace", "2028-10-02", "missed")]
    assert office.letters()[-2:] == ["renewal_reminder", "lapse_notice"]


def test_patent_expires_twenty_years_after_filing_when_every_annuity_is_paid(office):
    to_examination(office)
    grant(office)
    for _ in range(3, 21):
        office.move_to(office.deadline("annuity").due_date)
        office.pay()
    annuities = [d for d in office.deadlines() if d[0] == "annuity"]
    assert len(annuities) == 18 and all(status == "met" for _, _, status in annuities)  # years 3 to 20
    assert annuities[-1] == ("annuity", "2045-03-31", "met")  # year 20: the 19th anniversary's month
    assert [s for s in office.sheets() if s[0] == "annuity"][-1] == ("annuity", "475.00", "paid")  # 50 + 17 x 25
    office.move_to(date(2046, 3, 2))
    assert office.status() == "granted"  # in force to the end of the twentieth year
    office.move_to(date(2046, 3, 3))
    assert office.status() == "expired" and office.instance_status() == "completed"
    assert office.register_entry().status == "expired"
    assert office.letters().count("renewal_reminder") == 18


def test_annuity_already_overdue_at_grant_falls_due_at_the_end_of_the_grant_month(office):
    to_examination(office)
    office.move_to(date(2028, 4, 12))  # the examiner decides after year 3 fell due (31 March 2028)
    grant(office)
    # Due at the end of April instead: Sunday 30 April, then Labour Day -> Tuesday 2 May 2028.
    assert office.deadlines()[-1] == ("annuity", "2028-05-02", "open")
    assert office.letters()[-2:] == ["grant_notice", "renewal_reminder"]  # the reminder goes out at once
    assert office.due_sheet().kind == "annuity" and str(office.due_sheet().total) == "50.00"
    office.pay()
    assert office.deadlines()[-2:] == [("annuity", "2028-05-02", "met"), ("annuity", "2029-04-02", "open")]
