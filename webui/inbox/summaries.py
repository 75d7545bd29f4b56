"""What a person is told after acting on tasks: one line for what was done, one for what was not."""

from __future__ import annotations

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
