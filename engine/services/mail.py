"""Outgoing mail: a MAIL job holds the message; sending it is the job's one side effect.

The Message-ID comes from the job's idempotency key, so a mail that a crashed worker may have
sent before it could record so carries the same id when it is sent again, and mail systems
drop the duplicate.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import Document, Job
from engine.errors import OperatorError
from engine.settings import MailSettings


class SmtpTransport:
    """Sends through the SMTP server in config.yaml (mail.host, mail.port)."""

    def __init__(self, settings: MailSettings):
        self.settings = settings

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.settings.host, self.settings.port, timeout=self.settings.timeout_seconds) as smtp:
            smtp.send_message(message)


def build_message(ctx: Ipflow, session: Session, job: Job) -> EmailMessage:
    payload = job.payload or {}
    message = EmailMessage()
    message["From"] = ctx.settings.mail.sender
    message["To"] = payload["to"]
    message["Subject"] = payload.get("subject") or ctx.settings.office_name
    message["Date"] = formatdate(ctx.clock.now().timestamp(), usegmt=True)
    key = (job.idempotency_key or f"job-{job.id}").replace(":", ".").replace("/", ".")
    message["Message-ID"] = f"<{key}@ipflow>"  # the same on every try: the idempotency key
    message.set_content("This letter is attached as a PDF. An HTML version follows for mail readers that show it.")
    if payload.get("html"):
        message.add_alternative(payload["html"], subtype="html")
    document = session.get(Document, payload["document_id"]) if payload.get("document_id") else None
    if document is not None:
        message.add_attachment(ctx.documents.open(document.sha256), maintype="application", subtype="pdf", filename=document.name)
    return message


def send_mail_job(ctx: Ipflow, session: Session, job: Job) -> None:
    try:
        ctx.mail_transport.send(build_message(ctx, session, job))
    except (OSError, smtplib.SMTPException) as exc:
        raise OperatorError(f"mail to {(job.payload or {}).get('to')} could not be sent: {exc}") from exc
