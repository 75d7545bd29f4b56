"""Waiting message catch events, with their correlation values as indexed key/value rows."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base


class MessageSubscription(Base):
    __tablename__ = "message_subscriptions"
    __table_args__ = (Index("ix_message_subscriptions_name", "message_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(255))
    message_name: Mapped[str] = mapped_column(String(255))
    keys: Mapped[list[SubscriptionKey]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def correlation(self) -> dict[str, str]:
        return {k.key: k.value for k in self.keys}


class SubscriptionKey(Base):
    __tablename__ = "subscription_keys"
    __table_args__ = (Index("ix_subscription_keys_key_value", "key", "value"),)

    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("message_subscriptions.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str] = mapped_column(String(255))
