"""The letter operator: render a letter template (the newest deployed from the studio, else the file
in forms/letters/) for a case, keep it as a document, and queue the e-mail to the applicant (or
their representative). Stored once per step. `case_letter_context` is what a letter sees; the
studio's preview (engine/services/letter_preview.py) uses it too."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import Deadline, Document, FeeSheet, Job, JobKind, JobStatus, Publication, RegisterEntry
from engine.operators.office_support import case_of, ipflow_of, office_today, session_of, touch
from engine.runtime.operators import OperatorContext, OperatorRegistry
from engine.settings import Settings

registry = OperatorRegistry()


@registry.operator("send_letter")
def send_letter(ctx: OperatorContext, case_id, template: str, deadline_id=None, status=None, reasons=None) -> dict:
    """Render `template` for the case, store the PDF, queue the e-mail; optionally set the case status.
    Without `deadline_id` the letter speaks of the time limit closed last (e.g. the one missed);
    without `reasons` it quotes the process's `reasons` field, if any."""
    case = case_of(ctx, case_id)
    session = session_of(ctx)
    key = f"letter:{ctx.idempotency_key}"
    document = session.scalar(select(Document).where(Document.idempotency_key == key))
    if document is None:
        ipflow = ipflow_of(ctx)
        letter = ipflow.letters.render(template, letter_context(ctx, case, deadline_id, reasons))
        blob = ipflow.documents.put(letter.pdf, "application/pdf", f"{template}.pdf")
        document = Document(case_id=case.id, kind="letter", name=f"{case.application_number or case.id}-{template}.pdf",
                            media_type=blob.media_type, size=blob.size, sha256=blob.sha256,
                            created_at=ctx.services["clock"].now(), created_by="engine", idempotency_key=key)
        session.add(document)
        session.flush()
        _queue_mail(ctx, case, document, letter.subject, letter.html)
    touch(ctx, case, status)
    return {"document_id": document.id, "template": template}


def _queue_mail(ctx: OperatorContext, case, document: Document, subject: str, html: str) -> None:
    to = _addressee(case)
    if to is None or not to.email:
        return  # nobody to write to by e-mail: the letter stays on file for the post
    ctx.services["session"].add(Job(
        kind=JobKind.MAIL, status=JobStatus.PENDING, instance_id=None, task_id=None, element_id=None,
        operator="send_mail", payload={"to": to.email, "subject": subject, "html": html, "document_id": document.id,
                                       "case_id": case.id},
        due_at=ctx.services["clock"].now(), max_attempts=5, created_at=ctx.services["clock"].now(),
        idempotency_key=f"mail:{document.idempotency_key}",
    ))


def _addressee(case):
    parties = sorted(case.parties, key=lambda p: p.position)
    return next((p for p in parties if str(p.role) == "representative"), None) or next(
        (p for p in parties if str(p.role) == "applicant"), None)


def _party(p) -> dict | None:
    if p is None:
        return None
    return {"name": p.name, "address": p.address or "", "country": p.country, "email": p.email or ""}


def letter_context(ctx: OperatorContext, case, deadline_id=None, reasons=None) -> dict:
    """The context of a letter sent from a process step; `reasons` default to the process's field."""
    reasons = reasons if reasons is not None else ctx.data.get("reasons") or ""
    return case_letter_context(session_of(ctx), ipflow_of(ctx).settings, case, office_today(ctx), deadline_id, reasons)


def case_letter_context(session: Session, settings: Settings, case, today: date, deadline_id=None, reasons="") -> dict:
    """Everything a letter template may use (see forms/letters/_layout.html.j2). Without
    `deadline_id` the letter speaks of the time limit closed last."""
    parties = sorted(case.parties, key=lambda p: p.position)
    applicant = next((p for p in parties if str(p.role) == "applicant"), None)
    representative = next((p for p in parties if str(p.role) == "representative"), None)
    sheet = session.scalar(select(FeeSheet).where(FeeSheet.case_id == case.id).order_by(FeeSheet.id.desc()).limit(1))
    publication = session.scalar(select(Publication).where(Publication.case_id == case.id).order_by(Publication.id.desc()).limit(1))
    entry = session.scalar(select(RegisterEntry).where(RegisterEntry.case_id == case.id))
    if deadline_id:
        deadline = session.get(Deadline, int(deadline_id))
    else:
        deadline = session.scalar(
            select(Deadline).where(Deadline.case_id == case.id, Deadline.closed_at.is_not(None)).order_by(Deadline.closed_at.desc(), Deadline.id.desc()).limit(1)
        )
    return {
        "office": {"name": settings.office_name, "address": "", "country": settings.office_country, "email": settings.mail.sender},
        "case": {
            "application_number": case.application_number or "",
            "right_type": str(case.right_type),
            "filing_date": case.filing_date.isoformat(),
            "title": case.title,
            "status": case.status,
            "classes": [{"nice_class": g.nice_class, "goods_services": g.terms} for g in sorted(case.goods_services, key=lambda g: g.nice_class)],
            "ipc_classes": [c.symbol for c in case.ipc_classes],
            "locarno_class": case.design.locarno_class if case.design else "",
            "registration_number": entry.registration_number if entry else "",
            "expiry_date": entry.expiry_date.isoformat() if entry else "",
        },
        "applicant": _party(applicant),
        "representative": _party(representative),
        "fee_sheet": {"lines": sheet.lines, "total": str(sheet.total), "currency": sheet.currency,
                      "due_date": sheet.due_date.isoformat() if sheet.due_date else ""} if sheet else None,
        "deadline": {"kind": deadline.kind, "due_date": deadline.due_date.isoformat(), "legal_kind": str(deadline.legal_kind)} if deadline else None,
        "publication": {"gazette_number": publication.gazette_number, "published_on": publication.published_on.isoformat()} if publication else None,
        "reasons": "" if reasons is None else str(reasons),
        "today": today.isoformat(),
        "extra": {},
    }
