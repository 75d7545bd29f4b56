"""Idempotency keys: a client that retries a request with the same key gets the first answer back
instead of the work being done twice (a second case for one filing).

Keys are per API token. The answer is recorded in the same transaction as the work it answers,
so a key is either unused or has a complete answer; a twin request racing on the same key waits
on the key's unique index and then reads that answer. The fingerprint (SHA-256 of the method,
the path and the canonical JSON body) tells a retry from a different request reusing the key."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import IdempotentRequest
from engine.errors import InvalidInput

HEADER = "Idempotency-Key"
KEY = re.compile(r"[\x21-\x7e]{1,200}\Z")  # 1 to 200 visible ASCII characters


@dataclass(frozen=True)
class IdempotencyKey:
    token_id: int
    key: str
    fingerprint: str


def request_fingerprint(method: str, path: str, body: Any) -> str:
    """The same request gives the same fingerprint whatever the order of its JSON object keys."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)  # ASCII: lone surrogates too
    return hashlib.sha256(f"{method.upper()} {path}\n{canonical}".encode()).hexdigest()


def stored_answer(session: Session, once: IdempotencyKey) -> dict | None:
    """The answer recorded for the key, None if the key is unused; InvalidInput if the key was
    used for a different request."""
    row = session.scalar(
        select(IdempotentRequest).where(IdempotentRequest.token_id == once.token_id, IdempotentRequest.key == once.key)
    )
    if row is None:
        return None
    if row.fingerprint != once.fingerprint:
        raise InvalidInput(
            "the Idempotency-Key was already used for a different request",
            {
                HEADER: [
                    f"The key {once.key!r} was sent on {row.created_at:%Y-%m-%d %H:%M} UTC with another request; "
                    "send a new key with a new request, and the same key only to retry the very same request."
                ]
            },
        )
    return row.response


def claim_key(session: Session, once: IdempotencyKey, now: datetime) -> IdempotentRequest:
    """Record the key in the caller's transaction, before the work: a twin request on the same key
    waits here (PostgreSQL) or fails on commit, and the caller then reads the stored answer."""
    row = IdempotentRequest(token_id=once.token_id, key=once.key, fingerprint=once.fingerprint, status=0, response={},
                            created_at=now)  # fmt: skip
    session.add(row)
    session.flush()
    return row
