"""Operators that record a fee sheet (lines from a fee decision table) and match payments to it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import select

from engine.db.models import FeeSheet, Payment
from engine.errors import InvalidInput, NotFound
from engine.operators.office_support import case_of, ipflow_of, session_of
from engine.runtime.operators import OperatorContext, OperatorRegistry

registry = OperatorRegistry()
CENT = Decimal("0.01")


def money(value, what: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"{what} is not an amount", {what: [f"Expected a number like 850.00, got {value!r}."]}) from None
    if amount < 0:
        raise InvalidInput(f"{what} is negative", {what: ["An amount cannot be negative."]})
    return amount


@registry.operator("record_fee_sheet")
def record_fee_sheet(ctx: OperatorContext, case_id, kind: str, lines) -> dict:
    """Store the fee lines a decision table produced (each {code, description, quantity, amount})."""
    case = case_of(ctx, case_id)
    if not isinstance(lines, list) or not lines:
        raise InvalidInput("the fee table produced no lines", {"fee": [f"No tariff rule matched fee kind {kind!r}."]})
    clean = [
        {"code": str(line["code"]), "description": str(line["description"]),
         "quantity": int(line.get("quantity") or 1), "amount": str(money(line["amount"], "amount"))}
        for line in lines
    ]
    total = sum((Decimal(line["amount"]) for line in clean), Decimal("0.00"))
    session = session_of(ctx)
    for old in session.scalars(select(FeeSheet).where(FeeSheet.case_id == case.id, FeeSheet.kind == kind, FeeSheet.status == "due")):
        old.status = "cancelled"  # a recomputed sheet replaces the one still due
    sheet = FeeSheet(case_id=case.id, kind=kind, currency=ipflow_of(ctx).settings.currency, total=total,
                     tariff=f"{case.right_type}_fees", computed_at=ctx.services["clock"].now(), status="due", lines=clean)
    session.add(sheet)
    session.flush()
    return {"fee_sheet_id": sheet.id, "total": str(total), "currency": sheet.currency, "lines": clean}


@registry.operator("match_payment")
def match_payment(ctx: OperatorContext, case_id, fee_sheet_id, amount, reference) -> dict:
    """Record a payment against a fee sheet; the sheet is paid when its payments cover the total.
    The same reference twice counts once (a gateway may send a notice again)."""
    case = case_of(ctx, case_id)
    session = session_of(ctx)
    sheet = session.get(FeeSheet, int(fee_sheet_id))
    if sheet is None or sheet.case_id != case.id:
        raise NotFound(f"fee sheet {fee_sheet_id} is not on case {case.application_number}")
    if not reference:
        raise InvalidInput("a payment needs a reference", {"reference": ["Give the payment's reference."]})
    if session.scalar(select(Payment).where(Payment.reference == str(reference))) is None:
        session.add(Payment(case_id=case.id, fee_sheet_id=sheet.id, amount=money(amount, "amount"), currency=sheet.currency,
                            reference=str(reference), received_at=ctx.services["clock"].now(), matched=True))
        session.flush()
    paid = sum((p.amount for p in session.scalars(select(Payment).where(Payment.fee_sheet_id == sheet.id))), Decimal("0.00"))
    if paid >= sheet.total:
        sheet.status = "paid"
    return {"paid": paid >= sheet.total, "paid_amount": str(paid), "balance": str(max(sheet.total - paid, Decimal("0.00")))}
