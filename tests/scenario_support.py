"""Driving the office's processes the way people, gateways and time do, for scenario tests."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count

from sqlalchemy import select

from engine.container import Ipflow
from engine.db.models import AuditEvent, Case, Deadline, Document, FeeSheet, GoodsServices, Publication, RegisterEntry
from engine.services.filing import file_application
from engine.services.instances import show_instance
from engine.services.jobs import run_due
from engine.services.messages import deliver_message
from engine.services.tasks import complete_task, list_tasks

USER_FOR_ROLE = {"clerk": "clerk", "examiner": "examiner", "registrar": "registrar"}
_references = count(1)


def trademark_filing(**overrides) -> dict:
    data = {
        "title": "ACME SPARKLE",
        "mark_type": "word",
        "mark_kind": "individual",
        "verbal_element": "ACME SPARKLE",
        "applicants": [{"name": "ACME Ltd", "address": "1 Main Street, Sofia", "country": "BG", "email": "ip@acme.example"}],
        "goods_services": [
            {"nice_class": 3, "terms": "Soaps; perfumery"},
            {"nice_class": 5, "terms": "Pharmaceuticals"},
            {"nice_class": 21, "terms": "Household utensils"},
            {"nice_class": 35, "terms": "Retail services"},
        ],
    }
    data.update(overrides)
    return data


def design_filing(**overrides) -> dict:
    """A design application: two designs of one product family in Locarno class 07-01, no deferment."""
    data = {
        "title": "Drinking glasses",
        "locarno_class": "07-01",
        "applicants": [
            {"name": "Glassworks Ltd", "address": "5 Vitosha Blvd, Sofia", "country": "BG", "email": "ip@glass.example"}
        ],
        "designs": [
            {"product_indication": "Drinking glass", "views": 4},
            {"product_indication": "Drinking glass with stem", "views": 3},
        ],
    }
    data.update(overrides)
    return data


def patent_filing(**overrides) -> dict:
    """A patent application: 12 claims (2 over the 10 the filing fee covers), one priority claim."""
    data = {
        "title": "Self-cleaning solar panel coating",
        "abstract": "A hydrophobic coating that keeps photovoltaic panels free of dust.",
        "applicants": [
            {"name": "Helios Labs OOD", "address": "5 Tsarigradsko Shose, Sofia", "country": "BG", "email": "ip@helios.example"}
        ],
        "inventors": [{"name": "Ivan Petrov", "address": "12 Vitosha Blvd, Sofia", "country": "BG"}],
        "claims_total": 12,
        "claims_independent": 2,
        "ipc_classes": ["H02S 40/10", "C09D 5/16"],
        "priority_claims": [{"country": "DE", "number": "10 2025 115 432.1", "date": "2025-06-16"}],
    }
    data.update(overrides)
    return data


class Office:
    """One case at a time: file it, work its tasks, pay, move the clock."""

    def __init__(self, ipflow: Ipflow):
        self.ipflow = ipflow
        self.clock = ipflow.clock
        self.case_id: int | None = None
        self.number: str | None = None
        self.instance_id: int | None = None

    # -- filing and people
    def file(self, right_type: str, data: dict) -> Office:
        filing = file_application(self.ipflow, right_type, data, actor="e-filing")
        self.case_id, self.number, self.instance_id = filing.case_id, filing.application_number, filing.instance.id
        return self

    def tasks(self) -> list:
        return [t for t in list_tasks(self.ipflow) if t.instance_id == self.instance_id]

    def task_names(self) -> list[str]:
        return [t.name for t in self.tasks()]

    def complete(self, name: str, **data) -> None:
        """Complete the open task called `name` (or whose element id is `name`)."""
        task = next((t for t in self.tasks() if name in (t.name, t.element_id)), None)
        assert task is not None, f"no open task {name!r}; open: {self.task_names()}, at {self.current()}"
        user = USER_FOR_ROLE[task.candidate_roles[0]]
        complete_task(self.ipflow, task.id, user, data)

    # -- the outside world
    def send(self, message: str, **data) -> None:
        deliver_message(self.ipflow, message, {"business_key": self.number}, data, actor="test")

    def pay(self, amount: Decimal | str | None = None) -> None:
        """Pay the sheet that is due (in full unless an amount is given)."""
        sheet = self.due_sheet()
        self.send(
            "payment_received", amount=str(amount if amount is not None else sheet.total), reference=f"PAY-{next(_references)}"
        )

    def move_to(self, day: date, hour: int = 9) -> None:
        """Move the clock to a day at the office (office time) and let the worker catch up."""
        moment = datetime.combine(day, time(hour), self.ipflow.office_zone)
        assert moment >= self.clock.now(), "time only moves forward"
        self.clock.set(moment)
        self.run_due()

    def move_days(self, days: int) -> None:
        self.clock.advance(timedelta(days=days))
        self.run_due()

    def run_due(self) -> None:
        for _ in range(10):  # a fired timer may make further jobs due at once
            report = run_due(self.ipflow)
            assert not report.failed, report.failed
            if not report.ran:
                return

    # -- what the case looks like
    def current(self) -> tuple[str, ...]:
        return show_instance(self.ipflow, self.instance_id, with_history=False).current

    def status(self) -> str:
        with self.ipflow.db.reading() as session:
            return session.get(Case, self.case_id).status

    def instance_status(self) -> str:
        return show_instance(self.ipflow, self.instance_id, with_history=False).status

    def due_sheet(self) -> FeeSheet:
        with self.ipflow.db.reading() as session:
            sheet = session.scalar(
                select(FeeSheet).where(FeeSheet.case_id == self.case_id, FeeSheet.status == "due").order_by(FeeSheet.id.desc())
            )
            assert sheet is not None, "no fee sheet is due"
            return sheet

    def sheets(self) -> list[tuple[str, str, str]]:
        with self.ipflow.db.reading() as session:
            return [
                (s.kind, str(s.total), str(s.status))
                for s in session.scalars(select(FeeSheet).where(FeeSheet.case_id == self.case_id).order_by(FeeSheet.id))
            ]

    def deadlines(self) -> list[tuple[str, str, str]]:
        with self.ipflow.db.reading() as session:
            rows = session.scalars(select(Deadline).where(Deadline.case_id == self.case_id).order_by(Deadline.id))
            return [(d.kind, d.due_date.isoformat(), str(d.status)) for d in rows]

    def deadline(self, kind: str) -> Deadline:
        with self.ipflow.db.reading() as session:
            return session.scalar(
                select(Deadline).where(Deadline.case_id == self.case_id, Deadline.kind == kind).order_by(Deadline.id.desc())
            )

    def classes(self) -> list[int]:
        with self.ipflow.db.reading() as session:
            return list(session.scalars(select(GoodsServices.nice_class).where(GoodsServices.case_id == self.case_id)))

    def letters(self) -> list[str]:
        with self.ipflow.db.reading() as session:
            names = session.scalars(
                select(Document.name).where(Document.case_id == self.case_id, Document.kind == "letter").order_by(Document.id)
            )
            return [n.split("-", 3)[-1].removesuffix(".pdf") for n in names]

    def publication(self) -> Publication | None:
        with self.ipflow.db.reading() as session:
            return session.scalar(select(Publication).where(Publication.case_id == self.case_id))

    def register_entry(self) -> RegisterEntry | None:
        with self.ipflow.db.reading() as session:
            return session.scalar(select(RegisterEntry).where(RegisterEntry.case_id == self.case_id))


def trademark_at_examination(ipflow: Ipflow, office: Office | None = None) -> Office:
    """A trademark case (filed now unless given) paid and past reception, formalities and
    classification: at absolute grounds."""
    office = office or Office(ipflow).file("trademark", trademark_filing(goods_services=[{"nice_class": 3, "terms": "Soaps"}]))
    office.pay()
    # By element id: an analyst may have renamed the steps.
    office.complete("check", filing_date_met="yes")
    office.complete("formalities")
    office.complete("classification", class_count_checked=len(office.classes()))
    return office


def trademark_in_opposition(ipflow: Ipflow, office: Office | None = None) -> Office:
    """A trademark case (filed now unless given) accepted and published, waiting for the opposition
    period to end."""
    office = trademark_at_examination(ipflow, office)
    office.complete("examination", decision="accept")
    assert office.current() == ("opposition_wait",)
    return office


def elements_touched(ipflow: Ipflow) -> set[tuple[str, str]]:
    """(process id, element id) of every element completed in any instance, from the audit rows."""
    from engine.db.models import ProcessInstance

    with ipflow.db.reading() as session:
        rows = session.execute(
            select(ProcessInstance.process_id, AuditEvent.element_id)
            .join(ProcessInstance, ProcessInstance.id == AuditEvent.instance_id)
            .where(AuditEvent.kind.in_(["element_completed", "task_completed"]))
        )
        return {(p, e) for p, e in rows if e}
