"""What a person is told after acting on tasks: one line for what was done, one for what was not."""

from __future__ import annotations

from engine.errors import InvalidInput
from engine.services.assignment import BulkResult


def tasks(n: int) -> str:
    return f"{n} task" if n == 1 else f"{n} tasks"


def bulk_messages(result: BulkResult, done: str, verb: str, **values: str) -> list[tuple[str, str]]:
    """`done` reads like "Claimed {tasks}." (`values` fill its other fields); each refused task is
    named with its reason."""
    messages = []
    if result.done:
        messages.append(("success", done.format(tasks=tasks(len(result.done)), **values)))
    if result.refused:
        reasons = "; ".join(f"{name}: {reason}" for _, name, reason in result.refused)
        messages.append(("error", f"{tasks(len(result.refused))} could not be {verb}: {reasons}."))
    return messages


def field_messages(exc: InvalidInput) -> list[str]:
    """The messages a person can act on (the fields' own), else the error's sentence."""
    return [m for messages in exc.fields.values() for m in messages] or [str(exc)]
