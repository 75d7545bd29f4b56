"""A few applications for a fresh demo office, so the inbox has work on first sight.

Filed the way the e-filing portal files them; the filing fee of some is paid (their reception
task is waiting for a clerk), the others wait for payment. Only when the register is empty.
"""

from __future__ import annotations

from sqlalchemy import func, select

from engine.container import Ipflow
from engine.db.models import Case, FeeSheet
from engine.services.filing import file_application
from engine.services.messages import deliver_message


def _person(name: str, city: str, email: str) -> dict:
    return {"name": name, "address": f"1 Main Street, {city}", "country": "BG", "email": email}


DEMO_FILINGS: tuple[tuple[str, dict, bool], ...] = (
    ("trademark", {"title": "ACME SPARKLE", "mark_type": "word", "mark_kind": "individual", "verbal_element": "ACME SPARKLE",
                   "applicants": [_person("ACME Ltd", "Sofia", "ip@acme.example")],
                   "goods_services": [{"nice_class": 3, "terms": "Soaps; perfumery"}, {"nice_class": 35, "terms": "Retail services"}]}, True),
    ("trademark", {"title": "BLUE HERON", "mark_type": "word", "mark_kind": "individual", "verbal_element": "BLUE HERON",
                   "applicants": [_person("Heron Coffee OOD", "Plovdiv", "office@heron.example")],
                   "goods_services": [{"nice_class": 30, "terms": "Coffee; tea"}, {"nice_class": 43, "terms": "Cafés"}]}, True),
    ("trademark", {"title": "VITOSHA", "mark_type": "word", "mark_kind": "collective", "verbal_element": "VITOSHA",
                   "applicants": [_person("Vitosha Producers Association", "Sofia", "info@vitosha.example")],
                   "goods_services": [{"nice_class": 32, "terms": "Mineral water"}]}, False),
    ("patent", {"title": "Self-cleaning solar panel coating", "abstract": "A hydrophobic coating that keeps panels free of dust.",
                "applicants": [_person("Helios Labs OOD", "Sofia", "ip@helios.example")],
                "inventors": [{"name": "Ivan Petrov", "address": "12 Vitosha Blvd, Sofia", "country": "BG"}],
                "claims_total": 12, "claims_independent": 2, "ipc_classes": ["H02S 40/10", "C09D 5/16"]}, True),
    ("design", {"title": "Drinking glasses", "locarno_class": "07-01",
                "applicants": [_person("Glassworks Ltd", "Varna", "ip@glass.example")],
                "designs": [{"product_indication": "Drinking glass", "views": 4}]}, True),
)


def file_demo_cases(ctx: Ipflow) -> list[str]:
    """File the demo applications (and pay some) unless cases exist; the numbers filed."""
    with ctx.db.reading() as session:
        if session.scalar(select(func.count()).select_from(Case)):
            return []
    numbers = []
    for right_type, data, paid in DEMO_FILINGS:
        filing = file_application(ctx, right_type, data, actor="e-filing (demo)")
        numbers.append(filing.application_number)
        if paid:
            _pay_filing_fee(ctx, filing.case_id, filing.application_number)
    return numbers


def _pay_filing_fee(ctx: Ipflow, case_id: int, number: str) -> None:
    with ctx.db.reading() as session:
        sheet = session.scalar(select(FeeSheet).where(FeeSheet.case_id == case_id, FeeSheet.status == "due").order_by(FeeSheet.id.desc()))
        amount = str(sheet.total) if sheet else "0"
    deliver_message(ctx, "payment_received", {"business_key": number}, {"amount": amount, "reference": f"DEMO-{number}"}, actor="bank (demo)")
