"""Use case: an application is filed. The case, its number and its process start together.

`file_application_once` is the same use case for clients that retry (the e-filing portal over the
API): with an Idempotency-Key, a retried filing answers with the first filing's receipt and files
nothing more, even when the two requests arrive at the same moment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import Case, Deadline, DeadlineStatus, FeeSheet
from engine.domain.case_schemas import APPLICATION_HAS_ERRORS
from engine.errors import InvalidInput, OperatorError, ScriptError
from engine.services.cases import create_case
from engine.services.idempotency import IdempotencyKey, claim_key, stored_answer
from engine.services.instances import show_instance, start_in_session
from engine.services.storable_json import check_storable
from engine.services.views import InstanceView

# The process each right type runs (bpmn/<right>/<right>.bpmn).
PROCESS_FOR = {"trademark": "trademark", "patent": "patent", "design": "design"}
FILED_STATUS = 201  # what the API answers a filing with, first time and on every retry


@dataclass(frozen=True)
class Filing:
    case_id: int
    application_number: str | None
    instance: InstanceView


@dataclass(frozen=True)
class FeesDue:
    """The filing fees the process computed: what to pay, by when."""

    lines: tuple[dict, ...]  # {code, description, quantity, amount (decimal string)}
    total: Decimal
    currency: str
    due_date: date | None  # the payment time limit


@dataclass(frozen=True)
class FilingReceipt:
    case_id: int
    application_number: str | None
    right_type: str
    status: str
    fees: FeesDue | None
    replayed: bool = False  # the answer recorded for an earlier request with the same key


def file_application(ctx: Ipflow, right_type: str, data: Mapping[str, Any], actor: str = "system") -> Filing:
    """Validate and store the application, then start its right type's process, in one transaction:
    a refused filing leaves nothing behind, a numbered one always has its process."""
    with ctx.db.transaction() as session:
        case_id, instance_id = _file(ctx, session, right_type, data, actor)
    with ctx.db.reading() as session:
        number = session.get(Case, case_id).application_number
    return Filing(case_id, number, show_instance(ctx, instance_id))


def file_application_once(
    ctx: Ipflow, right_type: str, data: Mapping[str, Any], actor: str, once: IdempotencyKey | None = None
) -> FilingReceipt:
    """File the application and answer with its receipt. With `once`, the key is recorded in the
    filing's own transaction: a retry (or a twin racing this one) gets the recorded receipt back,
    marked replayed, and a different request reusing the key is refused (InvalidInput)."""
    check_storable(data, APPLICATION_HAS_ERRORS)
    if once is not None:
        with ctx.db.reading() as session:
            answer = stored_answer(session, once)
        if answer is not None:
            return _receipt_from_json(answer)
    try:
        with ctx.db.transaction() as session:
            claim = claim_key(session, once, ctx.clock.now()) if once is not None else None
            case_id, _instance_id = _file(ctx, session, right_type, data, actor)
            receipt = _receipt(session, case_id)
            if claim is not None:
                claim.status, claim.response = FILED_STATUS, _receipt_json(receipt)
    except IntegrityError:
        if once is None:
            raise
        with ctx.db.reading() as session:  # a twin with the same key committed first
            answer = stored_answer(session, once)
        if answer is None:
            raise
        return _receipt_from_json(answer)
    except (OperatorError, ScriptError) as exc:
        # The process's first steps run in the filing's transaction: one that cannot handle this
        # application (no fee rule for its filing date, say) refuses it, and nothing is filed.
        raise InvalidInput(
            "the office's process could not take this application; nothing was filed",
            {"_schema": [f"{exc}. Check the data it names (a filing date the tariff covers, for one), or ask the office."]},
        ) from exc
    return receipt


def _file(ctx: Ipflow, session: Session, right_type: str, data: Mapping[str, Any], actor: str) -> tuple[int, int]:
    case = create_case(session, ctx.clock, ctx.settings, right_type, data)
    session.flush()
    instance_id = start_in_session(
        ctx, session, PROCESS_FOR[str(case.right_type)], {"case_id": case.id, "right_type": str(case.right_type)}, None, actor
    )
    return case.id, instance_id


def _receipt(session: Session, case_id: int) -> FilingReceipt:
    case = session.get(Case, case_id)
    session.refresh(case)  # the process numbered it and set its status
    sheet = session.scalar(
        select(FeeSheet).where(FeeSheet.case_id == case_id, FeeSheet.status == "due").order_by(FeeSheet.id.desc()).limit(1)
    )
    fees = None
    if sheet is not None:
        limit = session.scalar(
            select(Deadline.due_date)
            .where(Deadline.case_id == case_id, Deadline.kind == "fee_payment", Deadline.status == DeadlineStatus.OPEN)
            .order_by(Deadline.due_date)
            .limit(1)
        )
        fees = FeesDue(tuple(sheet.lines or ()), sheet.total, sheet.currency, sheet.due_date or limit)
    return FilingReceipt(case.id, case.application_number, str(case.right_type), str(case.status), fees)


def _receipt_json(receipt: FilingReceipt) -> dict:
    fees = receipt.fees
    return {
        "case_id": receipt.case_id,
        "application_number": receipt.application_number,
        "right_type": receipt.right_type,
        "status": receipt.status,
        "fees": None
        if fees is None
        else {
            "lines": list(fees.lines),
            "total": str(fees.total),
            "currency": fees.currency,
            "due_date": fees.due_date.isoformat() if fees.due_date else None,
        },
    }


def _receipt_from_json(stored: dict) -> FilingReceipt:
    fees = stored["fees"]
    return FilingReceipt(
        stored["case_id"],
        stored["application_number"],
        stored["right_type"],
        stored["status"],
        None
        if fees is None
        else FeesDue(
            tuple(fees["lines"]),
            Decimal(fees["total"]),
            fees["currency"],
            date.fromisoformat(fees["due_date"]) if fees["due_date"] else None,
        ),
        replayed=True,
    )
