"""Letters leave as e-mail through a real SMTP server on loopback, once, with the PDF attached;
an unreachable server means retries with backoff, then an incident a person can retry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.db.models import Job, JobKind, JobStatus
from engine.services.filing import file_application
from engine.services.jobs import retry_incident, run_due
from engine.services.library import deploy_library
from ipflow_testing import MailBox, build_ipflow

FILING = {
    "title": "NORTHWIND",
    "mark_type": "word",
    "applicants": [{"name": "Northwind Trading", "address": "5 Vitosha Blvd, Sofia", "country": "BG", "email": "legal@northwind.example"}],
    "representative": {"name": "Ivanov & Partners", "address": "2 Rakovski St, Sofia", "country": "BG", "email": "filings@ivanov.example"},
    "goods_services": [{"nice_class": 30, "terms": "Coffee, tea"}],
}


@pytest.fixture
def office(settings, clock):
    """An office on the real library (this folder's `ipflow` fixture deploys the test library)."""
    ctx = build_ipflow(settings.database_url, settings.instance_path, clock, mail_port=settings.mail.port)
    deploy_library(ctx)
    yield ctx
    ctx.db.dispose()


def mail_jobs(ipflow):
    with ipflow.db.reading() as session:
        return session.scalars(select(Job).where(Job.kind == JobKind.MAIL).order_by(Job.id)).all()


def test_the_receipt_is_mailed_once_to_the_representative_with_its_pdf(office, mailbox):
    ipflow = office
    filing = file_application(ipflow, "trademark", FILING)
    [job] = mail_jobs(ipflow)
    assert job.status == JobStatus.PENDING

    assert job.id in run_due(ipflow).ran
    assert run_due(ipflow).ran == []  # sent once
    message_id = f"<{job.idempotency_key.replace(':', '.')}@ipflow>"  # the mailbox serves the whole session
    [message] = [m for m in mailbox.to("filings@ivanov.example") if m["Message-ID"] == message_id]
    assert filing.application_number in message["Subject"]
    attachment = next(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF")
    assert mail_jobs(ipflow)[0].status == JobStatus.DONE


def test_unreachable_mail_server_retries_then_incident_then_retry_sends(office, clock):
    ipflow = office
    down = MailBox()  # a port nobody listens on yet
    ipflow.mail_transport.settings = ipflow.settings.mail.__class__(
        host="127.0.0.1", port=down.port, sender=ipflow.settings.mail.sender, timeout_seconds=2)
    file_application(ipflow, "trademark", FILING)
    for delay in ipflow.settings.worker.retry_backoff_seconds[:2]:
        report = run_due(ipflow)
        assert report.failed and "could not be sent" in report.failed[0][1]
        clock.advance(timedelta(seconds=delay))
    for _ in range(3):
        run_due(ipflow)
        clock.advance(timedelta(hours=1))
    [job] = mail_jobs(ipflow)
    assert job.status == JobStatus.INCIDENT and job.attempts == job.max_attempts

    down.start()  # the mail server is back
    try:
        retry_incident(ipflow, job.id, actor="admin")
        assert job.id in run_due(ipflow).ran
        assert len(down.to("filings@ivanov.example")) == 1
    finally:
        down.stop()
