"""Use case: a message from an outside system (payment gateway, e-filing portal) for a case.

The messages the office's processes wait for, who may send each, and what each carries, in one
place (MESSAGES). Before the engine sees a message, the sender's roles and the payload are
checked; afterwards the outcome says where the case stands. When no instance takes the message,
the answer says why: nothing matches the correlation (NotFound), or the matching case waits for
other messages now (Conflict naming them); several matches are a Conflict (NoMatch)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import Case, MessageSubscription, ProcessInstance
from engine.errors import Conflict, InvalidInput, NoMatch, NotFound, PermissionDenied
from engine.services.assignment import roles_of
from engine.services.instances import show_instance
from engine.services.messages import carrying, deliver_message

PAYERS = ("payments", "efiling", "clerk", "manager")
FILERS = ("efiling", "clerk", "manager")
MAX_TEXT = 2000
MAX_REFERENCE = 128
MAX_AMOUNT = Decimal("9999999999.99")  # payments.amount is NUMERIC(12, 2)
CORRELATION_KEY = re.compile(r"[a-z_][a-z0-9_]{0,127}\Z")
MAX_CORRELATION_VALUE = 255


def _amount(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError('Give the amount as a decimal string, e.g. "850.00".')
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f'Give the amount as a decimal string, e.g. "850.00"; got {str(value)[:40]!r}.') from None
    if not amount.is_finite() or amount <= 0:
        raise ValueError("The amount must be more than 0.")
    if amount.as_tuple().exponent < -2:
        raise ValueError("The amount has at most 2 decimals.")
    if amount > MAX_AMOUNT:
        raise ValueError(f"The amount must be at most {MAX_AMOUNT}.")
    return f"{amount:.2f}"


def _text(limit: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("Give text.")
        if len(value) > limit:
            raise ValueError(f"At most {limit} characters.")
        if _has_control(value):
            raise ValueError("Use plain text without control characters.")
        return value.strip()

    return parse


@dataclass(frozen=True)
class PayloadField:
    parse: Callable[[Any], Any]
    required: bool
    description: str


@dataclass(frozen=True)
class MessageKind:
    senders: tuple[str, ...]
    description: str
    payload: Mapping[str, PayloadField]


_NOTE = PayloadField(_text(MAX_TEXT), False, "What the sender says, kept in the case history")
_SUBMISSION = PayloadField(_text(MAX_REFERENCE), False, "The sender's reference of the submission (e.g. the portal's id)")
_FILED = {"submission_reference": _SUBMISSION, "note": _NOTE}

MESSAGES: dict[str, MessageKind] = {
    "payment_received": MessageKind(
        PAYERS,
        "A fee was paid (filing, examination, renewal, annuity). The same reference twice counts once.",
        {
            "amount": PayloadField(_amount, True, 'The amount paid, a decimal string more than 0, e.g. "850.00"'),
            "reference": PayloadField(_text(MAX_REFERENCE), True, "The payment's reference at the gateway or bank"),
        },
    ),
    "reply_received": MessageKind(FILERS, "The applicant replied to an objection or office action.", _FILED),
    "examination_requested": MessageKind(FILERS, "The applicant requested substantive examination (patents).", _FILED),
    "opposition_filed": MessageKind(
        FILERS,
        "Someone opposed a published trademark within the opposition period.",
        {**_FILED, "opponent": PayloadField(_text(500), False, "Who opposes")},
    ),
    "deficiency_remedied": MessageKind(FILERS, "The applicant remedied the formal deficiencies found.", _FILED),
    "extension_requested": MessageKind(FILERS, "The applicant asked for more time to reply.", _FILED),
    "early_publication_requested": MessageKind(FILERS, "The applicant asked to publish early (patents).", _FILED),
    "publication_requested": MessageKind(FILERS, "The applicant asked to end the deferment of publication (designs).", _FILED),
}


@dataclass(frozen=True)
class MessageOutcome:
    """Where the case stands after its process took the message."""

    message: str
    instance_id: int
    application_number: str | None
    status: str  # the case's status, or the instance's when the process has no case
    instance_status: str
    current: tuple[str, ...]  # element ids that are ready, started or waiting now


def receive_message(
    ctx: Ipflow, name: str, correlation: Mapping[str, Any], payload: Mapping[str, Any], username: str
) -> MessageOutcome:
    """Check the sender and the message, deliver it to the one instance waiting for it, and say
    where the case stands now."""
    kind = MESSAGES.get(name)
    if kind is None:
        raise NotFound(f"there is no message {name!r}; the processes wait for: {', '.join(sorted(MESSAGES))}")
    with ctx.db.reading() as session:
        roles = roles_of(session, username)
    if not roles & set(kind.senders):
        raise PermissionDenied(
            f"message {name!r} may be sent by: {', '.join(kind.senders)}; {username} holds {', '.join(sorted(roles)) or 'no role'}"
        )
    keys = _correlation(correlation)
    data = _payload(kind, payload)
    try:
        instance_id = deliver_message(ctx, name, keys, data, actor=username)
    except NoMatch as exc:
        if exc.matches:
            raise
        raise _why_unmatched(ctx, name, keys) from None
    view = show_instance(ctx, instance_id, with_history=False)
    with ctx.db.reading() as session:
        case = session.scalar(select(Case).where(Case.instance_id == instance_id))
        number, status = (case.application_number, case.status) if case is not None else (view.business_key, view.status)
    return MessageOutcome(name, instance_id, number, status, view.status, view.current)


def _correlation(correlation: Any) -> dict[str, str]:
    if not isinstance(correlation, Mapping) or not correlation:
        raise InvalidInput("say which case", {"correlation": ['Give the case\'s key, e.g. {"business_key": "40-2026-000001"}.']})
    errors: dict[str, list[str]] = {}
    for key, value in correlation.items():
        if not isinstance(key, str) or not CORRELATION_KEY.match(key):
            errors[f"correlation.{key}"] = ["A correlation key is lower-case letters, digits and _, e.g. business_key."]
        elif not isinstance(value, str) or not value.strip() or len(value) > MAX_CORRELATION_VALUE or _has_control(value):
            errors[f"correlation.{key}"] = [f"Give the value as text of 1 to {MAX_CORRELATION_VALUE} characters."]
    if errors:
        raise InvalidInput("the correlation is not valid", errors)
    return {key: value.strip() for key, value in correlation.items()}


def _payload(kind: MessageKind, payload: Any) -> dict[str, Any]:
    if payload is None:
        payload = {}
    if not isinstance(payload, Mapping):
        raise InvalidInput("the payload is not valid", {"payload": ["Give the payload as an object."]})
    errors = {f"payload.{key}": [f"Not a field of this message; it carries: {', '.join(kind.payload)}."]
              for key in payload if key not in kind.payload}  # fmt: skip
    cleaned: dict[str, Any] = {}
    for key, field in kind.payload.items():
        if payload.get(key) is None:
            if field.required:
                errors[f"payload.{key}"] = ["Required."]
            continue
        try:
            cleaned[key] = field.parse(payload[key])
        except ValueError as exc:
            errors[f"payload.{key}"] = [str(exc)]
    if errors:
        raise InvalidInput("the payload is not valid", errors)
    return cleaned


def _why_unmatched(ctx: Ipflow, name: str, correlation: dict[str, str]) -> Exception:
    """Nothing waits for `name` with these values: is it that nothing matches them at all, or that
    the matching case waits for something else now?"""
    described = ", ".join(f"{k}={v}" for k, v in sorted(correlation.items()))
    with ctx.db.reading() as session:
        waiting = _waiting_for(session, correlation)
        if waiting:
            return Conflict(
                "; ".join(
                    f"process instance {iid} ({described}) is not waiting for {name!r} now; it waits for: {', '.join(names)}"
                    for iid, names in sorted(waiting.items())
                )  # fmt: skip
            )
        key = correlation.get("business_key")
        instance = session.scalar(select(ProcessInstance).where(ProcessInstance.business_key == key)) if key else None
        if instance is not None:
            return Conflict(f"process instance {instance.id} ({described}) is {instance.status} and waits for no message now")
    return NotFound(f"no case matches {described}; check the application number (business_key) or the other values")


def _waiting_for(session: Session, correlation: dict[str, str]) -> dict[int, list[str]]:
    """Instance id -> the messages it waits for, of the instances whose subscriptions carry the values."""
    query = carrying(select(MessageSubscription.instance_id, MessageSubscription.message_name), correlation)
    found: dict[int, list[str]] = {}
    for instance_id, message in session.execute(
        query.order_by(MessageSubscription.instance_id, MessageSubscription.message_name)
    ):
        if message not in found.setdefault(instance_id, []):
            found[instance_id].append(message)
    return found


def _has_control(text: str) -> bool:
    return any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text)
