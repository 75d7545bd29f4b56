"""Operators used by the demo process in bpmn/demo/."""

from __future__ import annotations

from engine.runtime.operators import OperatorContext, OperatorRegistry

registry = OperatorRegistry()


@registry.operator("demo_stamp")
def demo_stamp(ctx: OperatorContext, label: str) -> dict:
    """Stamp the file with a label and the time (synchronous)."""
    clock = ctx.services["clock"]
    return {"label": label, "at": clock.now().isoformat()}


@registry.operator("demo_notify", asynchronous=True, tries=3, backoff=(60, 300, 1800))
def demo_notify(ctx: OperatorContext, recipient: str) -> dict:
    """Tell the applicant that the file was stamped (asynchronous: a worker runs it)."""
    return {"recipient": recipient, "sent": True, "key": ctx.idempotency_key}
