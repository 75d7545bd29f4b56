"""Filing a case stores what each right type carries; a bad application is refused field by field
and writes nothing; a case summary is read in a fixed number of queries however big the case is."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from engine.db.models import (
    Case,
    Deadline,
    DesignDetails,
    DesignItem,
    Document,
    FeeSheet,
    GoodsServices,
    IpcClass,
    Party,
    PatentDetails,
    Payment,
    PriorityClaim,
    Publication,
    RegisterEntry,
    TrademarkDetails,
)
from engine.errors import InvalidInput, NotFound
from engine.services.cases import case_summary, create_case
from engine.services.numbering import assign_number
from ipflow_testing import row_counts

APPLICANT = {"name": "Acme Coffee OOD", "address": "12 Vitosha Blvd, Sofia", "country": "BG", "email": "ip@acme.example"}
AGENT = {"name": "Petrova & Partners", "address": "3 Rakovski St, Sofia", "country": "BG", "email": "office@petrova.example"}

TRADEMARK = {
    "title": "ACME ROAST",
    "applicants": [APPLICANT],
    "representative": AGENT,
    "priority_claims": [{"country": "EM", "number": "018912345", "date": "2025-11-03"}],
    "mark_type": "word",
    "goods_services": [{"nice_class": 30, "terms": "Coffee; tea"}, {"nice_class": 43, "terms": "Cafe services"}],
}
PATENT = {
    "title": "Low-temperature coffee extraction",
    "applicants": [APPLICANT],
    "priority_claims": [
        {"country": "DE", "number": "10 2025 000 777.1", "date": "2025-09-15"},
        {"country": "US", "number": "63/123,456", "date": "2025-06-01"},
    ],
    "abstract": "A method of extracting coffee below 40 degrees.",
    "claims_total": 14,
    "claims_independent": 2,
    "pct_number": "PCT/EP2025/012345",
    "ipc_classes": ["a23f5/26", "A47J 31/44"],
    "inventors": [{"name": "Ivan Petrov", "address": "Plovdiv", "country": "BG"}],
}
DESIGN = {
    "title": "Coffee cups",
    "applicants": [APPLICANT],
    "locarno_class": "07-01",
    "deferment_requested": True,
    "deferred_until": "2027-06-30",
    "designs": [{"product_indication": "Cup", "views": 4}, {"product_indication": "Saucer", "views": 2}],
    "creators": [{"name": "Maria Ivanova", "address": "Sofia", "country": "BG"}],
}


def file(office, right_type: str, data: dict) -> int:
    with office.db.transaction() as session:
        return create_case(session, office.clock, office.settings, right_type, data).id


def test_a_trademark_is_stored_with_parties_priority_and_classes(office):
    case_id = file(office, "trademark", TRADEMARK)
    with office.db.reading() as session:
        case = session.get(Case, case_id)
        assert (case.right_type, case.status, case.title, case.application_number) == ("trademark", "filed", "ACME ROAST", None)
        assert case.filing_date == date(2026, 3, 2)
        assert case.created_at == case.updated_at == office.clock.now()
        parties = session.scalars(select(Party).where(Party.case_id == case_id).order_by(Party.role)).all()
        assert [(p.role, p.name, p.country, p.email) for p in parties] == [
            ("applicant", "Acme Coffee OOD", "BG", "ip@acme.example"),
            ("representative", "Petrova & Partners", "BG", "office@petrova.example"),
        ]
        claim = session.scalars(select(PriorityClaim).where(PriorityClaim.case_id == case_id)).one()
        assert (claim.country, claim.number, claim.priority_date) == ("EM", "018912345", date(2025, 11, 3))
        mark = session.get(TrademarkDetails, case_id)
        assert (mark.mark_kind, mark.mark_type, mark.verbal_element) == ("individual", "word", "ACME ROAST")
        goods = session.scalars(select(GoodsServices).where(GoodsServices.case_id == case_id).order_by(GoodsServices.nice_class))
        assert [(g.nice_class, g.terms) for g in goods] == [(30, "Coffee; tea"), (43, "Cafe services")]


def test_a_patent_is_stored_with_claims_ipc_inventors_and_earliest_priority(office):
    case_id = file(office, "patent", PATENT)
    with office.db.reading() as session:
        details = session.get(PatentDetails, case_id)
        assert (details.title, details.claims_total, details.claims_independent) == ("Low-temperature coffee extraction", 14, 2)
        assert (details.pct_number, details.earliest_priority_date) == ("PCT/EP2025/012345", date(2025, 6, 1))
        symbols = session.scalars(select(IpcClass.symbol).where(IpcClass.case_id == case_id).order_by(IpcClass.position)).all()
        assert symbols == ["A23F 5/26", "A47J 31/44"]  # written the one canonical way, main class first
        roles = session.scalars(select(Party.role).where(Party.case_id == case_id).order_by(Party.role)).all()
        assert roles == ["applicant", "inventor"]


def test_a_design_is_stored_with_numbered_designs_creator_and_deferment(office):
    case_id = file(office, "design", DESIGN)
    with office.db.reading() as session:
        details = session.get(DesignDetails, case_id)
        assert (details.locarno_class, details.deferment_requested, details.deferred_until) == ("07-01", True, date(2027, 6, 30))
        items = session.scalars(select(DesignItem).where(DesignItem.case_id == case_id).order_by(DesignItem.number))
        assert [(i.number, i.product_indication, i.views) for i in items] == [(1, "Cup", 4), (2, "Saucer", 2)]
        assert session.scalars(select(Party.name).where(Party.case_id == case_id, Party.role == "creator")).all() == [
            "Maria Ivanova"
        ]


def test_the_filing_date_is_the_office_s_date_not_utc_s(office):
    office.clock.set(datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc))  # already 2 March in Sofia
    case_id = file(office, "trademark", TRADEMARK)
    with office.db.reading() as session:
        assert session.get(Case, case_id).filing_date == date(2026, 3, 2)


def with_changes(base: dict, **changes) -> dict:
    return {**base, **changes}


BAD = [
    ("trademark", with_changes(TRADEMARK, applicants=[{**APPLICANT, "country": "bg"}]), {"applicants.0.country"}),
    ("trademark", with_changes(TRADEMARK, applicants=[APPLICANT, {**APPLICANT, "email": "ip at acme"}]), {"applicants.1.email"}),
    ("trademark", with_changes(TRADEMARK, applicants=[]), {"applicants"}),
    ("trademark", with_changes(TRADEMARK, representative={**AGENT, "name": "  "}), {"representative.name"}),
    ("trademark", with_changes(TRADEMARK, title=" "), {"title"}),
    ("trademark", {k: v for k, v in TRADEMARK.items() if k != "title"}, {"title"}),
    ("trademark", with_changes(TRADEMARK, mark_type="smell"), {"mark_type"}),
    ("trademark", with_changes(TRADEMARK, goods_services=[{"nice_class": 46, "terms": "x"}]), {"goods_services.0.nice_class"}),
    (
        "trademark",
        with_changes(TRADEMARK, goods_services=[{"nice_class": 30, "terms": "Coffee"}, {"nice_class": 30, "terms": "Tea"}]),
        {"goods_services.1.nice_class"},
    ),
    (
        "trademark",
        with_changes(TRADEMARK, priority_claims=[{"country": "EM", "number": "1", "date": "2026-03-03"}]),
        {"priority_claims.0.date"},
    ),
    ("trademark", with_changes(TRADEMARK, filing_date="2026-03-03"), {"filing_date"}),
    ("trademark", with_changes(TRADEMARK, colour="red"), {"colour"}),
    ("patent", with_changes(PATENT, claims_total=0), {"claims_total"}),
    ("patent", with_changes(PATENT, claims_total=2, claims_independent=3), {"claims_independent"}),
    ("patent", with_changes(PATENT, ipc_classes=["A61K 31/00", "Z99 1/1"]), {"ipc_classes.1"}),
    ("patent", with_changes(PATENT, ipc_classes=["A61K 31/00", "a61k31/00"]), {"ipc_classes.1"}),
    ("patent", with_changes(PATENT, pct_number="EP2025012345"), {"pct_number"}),
    ("patent", with_changes(PATENT, inventors=[{"name": "X", "address": "Y", "country": "Bulgaria"}]), {"inventors.0.country"}),
    ("design", with_changes(DESIGN, locarno_class="8-5"), {"locarno_class"}),
    ("design", with_changes(DESIGN, designs=[{"product_indication": "Cup", "views": 0}]), {"designs.0.views"}),
    ("design", with_changes(DESIGN, deferment_requested=False), {"deferred_until"}),
    ("utility_model", TRADEMARK, {"right_type"}),
]


@pytest.mark.parametrize(("right_type", "data", "paths"), BAD, ids=[f"{r}-{'+'.join(sorted(p))}" for r, _, p in BAD])
def test_a_bad_application_names_each_wrong_field_and_writes_nothing(office, right_type, data, paths):
    before = row_counts(office)
    with office.db.transaction() as session:  # commits: anything create_case had added would stay
        with pytest.raises(InvalidInput) as refused:
            create_case(session, office.clock, office.settings, right_type, data)
        assert not session.new
    assert set(refused.value.fields) == paths
    assert all(messages and all(messages) for messages in refused.value.fields.values())
    assert row_counts(office) == before


def test_every_wrong_field_is_reported_at_once(office):
    data = with_changes(
        TRADEMARK,
        applicants=[{**APPLICANT, "country": "Bulgaria", "email": "nope"}],
        goods_services=[{"nice_class": 0, "terms": ""}],
    )
    with office.db.transaction() as session:
        with pytest.raises(InvalidInput) as refused:
            create_case(session, office.clock, office.settings, "trademark", data)
    assert set(refused.value.fields) == {
        "applicants.0.country",
        "applicants.0.email",
        "goods_services.0.nice_class",
        "goods_services.0.terms",
    }
    assert "ST.3" in refused.value.fields["applicants.0.country"][0]


def add_records(office, case_id: int, scale: int) -> None:
    """Fees, payments, deadlines, documents and publications; `scale` of each."""
    now = office.clock.now()
    with office.db.transaction() as session:
        for i in range(scale):
            sheet = FeeSheet(
                case_id=case_id,
                kind="filing",
                currency="EUR",
                total=Decimal("850.00") + i,
                tariff="fees.dmn@3",
                computed_at=now + timedelta(minutes=i),
                due_date=date(2026, 4, 2),
                status="due",
                lines=[{"code": "TM-BASE", "description": "Filing fee, one class", "quantity": 1, "amount": "850.00"}],
            )
            session.add(sheet)
            session.flush()
            session.add(
                Payment(
                    case_id=None,
                    fee_sheet_id=sheet.id,
                    amount=Decimal("850.00"),
                    currency="EUR",
                    reference=f"REF-{case_id}-{i}",
                    received_at=now + timedelta(hours=i),
                    matched=True,
                )
            )
            session.add(
                Deadline(
                    case_id=case_id,
                    kind="fee_payment",
                    legal_kind="statutory",
                    event_date=date(2026, 3, 2),
                    due_date=date(2026, 4, 2) + timedelta(days=i),
                    status="open",
                )
            )
            session.add(
                Deadline(
                    case_id=case_id,
                    kind="deficiency",
                    legal_kind="office-set",
                    event_date=date(2026, 3, 2),
                    due_date=date(2026, 5, 4),
                    status="met",
                    closed_at=now,
                )
            )
            session.add(
                Document(
                    case_id=case_id,
                    kind="letter",
                    name=f"receipt-{i}.pdf",
                    media_type="application/pdf",
                    size=100 + i,
                    sha256=f"{i:064x}",
                    created_at=now,
                    created_by="engine",
                    idempotency_key=f"receipt-{case_id}-{i}",
                )
            )
            session.add(
                Publication(
                    case_id=case_id,
                    gazette_number=f"2026/{14 + i}",
                    published_on=date(2026, 4, 6) + timedelta(weeks=i),
                    kind="application",
                )
            )
        session.add(
            RegisterEntry(
                case_id=case_id,
                registration_number=f"R-{case_id}",
                registered_on=date(2026, 8, 1),
                term_start=date(2026, 3, 2),
                expiry_date=date(2036, 3, 2),
                status="in_force",
            )
        )


def summary_and_statements(office, case_id: int):
    with office.db.reading() as session:
        statements = []
        engine = session.get_bind()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            return case_summary(session, case_id), statements
        finally:
            event.remove(engine, "before_cursor_execute", listener)


def test_the_summary_holds_everything_a_person_looks_at(office):
    case_id = file(office, "trademark", TRADEMARK)
    with office.db.transaction() as session:
        assign_number(session, office.settings, session.get(Case, case_id))
    add_records(office, case_id, scale=2)
    summary, _ = summary_and_statements(office, case_id)
    assert (summary.number, summary.right_type, summary.status, summary.title) == (
        "40-2026-000001",
        "trademark",
        "filed",
        "ACME ROAST",
    )
    assert summary.applicant.name == "Acme Coffee OOD"
    assert summary.representative.name == "Petrova & Partners"
    assert summary.classes == ("30", "43")
    assert summary.particulars["mark_type"] == "word"
    assert [(c.country, c.date) for c in summary.priority_claims] == [("EM", date(2025, 11, 3))]
    assert [s.total for s in summary.fee_sheets] == [Decimal("850.00"), Decimal("851.00")]
    assert [p.reference for p in summary.payments] == [f"REF-{case_id}-0", f"REF-{case_id}-1"]  # matched through the fee sheet
    assert [(d.kind, d.due_date) for d in summary.open_deadlines] == [
        ("fee_payment", date(2026, 4, 2)),
        ("fee_payment", date(2026, 4, 3)),
    ]
    assert [d.name for d in summary.documents] == ["receipt-0.pdf", "receipt-1.pdf"]
    assert [p.gazette_number for p in summary.publications] == ["2026/14", "2026/15"]
    assert (summary.register_entry.registration_number, summary.register_entry.expiry_date) == (f"R-{case_id}", date(2036, 3, 2))


@pytest.mark.parametrize(
    ("right_type", "data", "classes"),
    [
        ("trademark", TRADEMARK, ("30", "43")),
        ("patent", PATENT, ("A23F 5/26", "A47J 31/44")),
        ("design", DESIGN, ("07-01",)),
    ],
)
def test_the_summary_takes_the_same_queries_for_a_small_case_and_a_big_one(office, right_type, data, classes):
    small = file(office, right_type, data)
    many = {"applicants": [APPLICANT, {**APPLICANT, "name": "Beta"}, {**APPLICANT, "name": "Gamma"}], "representative": AGENT}
    big = file(office, right_type, {**data, **many})
    add_records(office, big, scale=6)
    small_summary, small_statements = summary_and_statements(office, small)
    big_summary, big_statements = summary_and_statements(office, big)
    assert (len(small_summary.documents), len(big_summary.documents), len(big_summary.applicants)) == (0, 6, 3)
    assert small_summary.classes == big_summary.classes == classes
    assert len(big_statements) == len(small_statements) <= 12


def test_the_summary_of_a_missing_case_is_not_found(office):
    with office.db.reading() as session:
        with pytest.raises(NotFound, match="no case with id 999"):
            case_summary(session, 999)
