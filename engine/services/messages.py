"""Use case: a message from outside (payment, reply, opposition) reaches the one waiting instance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, and_, exists, select

from engine.container import Ipflow
from engine.db.models import MessageSubscription, SubscriptionKey
from engine.errors import InvalidInput, NoMatch
from engine.runtime.runner import deliver_message as deliver_to_task
from engine.services.stepping import audit, retrying, step


def deliver_message(
    ctx: Ipflow, name: str, correlation: Mapping[str, Any], data: Mapping[str, Any] | None = None, actor: str = "system"
) -> int:
    """Deliver message `name` to the instance whose subscription carries every correlation value
    given; return that instance's id. None or several matching is an error that says which."""
    correlation = _checked(name, correlation, data)
    return retrying(3, lambda: _deliver(ctx, name, correlation, dict(data or {}), actor))


def _checked(name: str, correlation: Mapping[str, Any], data: Any) -> dict[str, str]:
    errors = {}
    if not name or not isinstance(name, str):
        errors["name"] = ["Name the message, e.g. payment_received."]
    if not isinstance(correlation, Mapping) or not correlation:
        errors["correlation"] = ['Give at least one correlation value, e.g. {"business_key": "40-2026-000001"}.']
    elif any(not isinstance(v, (str, int)) or isinstance(v, bool) for v in correlation.values()):
        errors["correlation"] = ["Correlation values must be strings or whole numbers."]
    if data is not None and not isinstance(data, Mapping):
        errors["data"] = ["The message data must be a JSON object."]
    if errors:
        raise InvalidInput("the message cannot be delivered", errors)
    return {str(k): str(v) for k, v in correlation.items()}


def carrying(query: Select, correlation: Mapping[str, str]) -> Select:
    """`query` over message subscriptions, narrowed to those that carry every correlation value."""
    for key, value in correlation.items():
        query = query.where(
            exists().where(
                and_(
                    SubscriptionKey.subscription_id == MessageSubscription.id,
                    SubscriptionKey.key == key,
                    SubscriptionKey.value == value,
                )
            )
        )
    return query


def _deliver(ctx: Ipflow, name: str, correlation: dict[str, str], data: dict, actor: str) -> int:
    with ctx.db.transaction() as session:
        query = carrying(select(MessageSubscription).where(MessageSubscription.message_name == name), correlation)
        matches = session.scalars(query.order_by(MessageSubscription.id)).all()
        instances = sorted({m.instance_id for m in matches})
        described = ", ".join(f"{k}={v}" for k, v in sorted(correlation.items()))
        if not instances:
            raise NoMatch(f"no process instance is waiting for message {name!r} with {described}", 0)
        if len(instances) > 1:
            ids = ", ".join(map(str, instances))
            raise NoMatch(f"message {name!r} with {described} matches {len(instances)} instances ({ids}); add a correlation value that tells them apart", len(instances))
        instance_id = instances[0]
        with step(ctx, session, instance_id, actor=actor) as current:
            for match in matches:
                deliver_to_task(current.workflow, match.task_id, name, data)
            audit(session, ctx, "message_received", actor, instance_id, element_id=matches[0].element_id,
                  task_id=matches[0].task_id, data={"message": name, "correlation": correlation, "data": data})
    return instance_id
