"""Machine access: API tokens issued to integrations, and the answers kept for retried requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base


class ApiToken(Base):
    """A bearer token of one integration (e-filing portal, payment gateway, a script). Only the
    SHA-256 of its secret is kept; the secret is shown once, when the token is created. The token
    acts as a service user holding exactly its role, so every service checks it like a person."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)  # the integration, e.g. efiling-portal
    prefix: Mapped[str] = mapped_column(String(16), unique=True)  # shown in lists and logs; finds the row
    secret_sha256: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(ForeignKey("roles.name"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # the service user it acts as
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class IdempotentRequest(Base):
    """The answer given to a request sent with an Idempotency-Key, so that a retry gets the same
    answer instead of a second case. Keys are per token; the fingerprint tells a retry from a
    different request reusing the key."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path and body
    status: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    created_at: Mapped[datetime]
