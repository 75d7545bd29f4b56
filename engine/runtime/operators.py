"""Named service operators: the Python a BPMN service task may call.

    registry = OperatorRegistry()

    @registry.operator("send_receipt", asynchronous=True, tries=3, backoff=(60, 300))
    def send_receipt(ctx: OperatorContext, template: str) -> dict: ...

Synchronous operators run inside the engine step and its transaction. Asynchronous ones become a
job: the task stays STARTED until a worker runs the operator and completes the task.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.errors import NotFound


@dataclass(frozen=True)
class OperatorContext:
    """What an operator may know about the step that calls it."""

    instance_id: int | None
    business_key: str | None
    task_id: str
    element_id: str
    data: Mapping[str, Any]
    idempotency_key: str
    services: Mapping[str, Any] = field(default_factory=dict)  # session, clock, settings...


@dataclass(frozen=True)
class Operator:
    name: str
    func: Callable[..., Any]
    asynchronous: bool
    tries: int | None
    backoff: tuple[int, ...] | None
    description: str

    def __call__(self, ctx: OperatorContext, params: Mapping[str, Any]) -> Any:
        return self.func(ctx, **params)

    @property
    def parameters(self) -> tuple[str, ...]:
        """The parameter names a service task passes (everything after the context)."""
        names = list(inspect.signature(self.func).parameters.values())[1:]
        return tuple(p.name for p in names if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))


class OperatorRegistry:
    def __init__(self) -> None:
        self._operators: dict[str, Operator] = {}

    def operator(
        self,
        name: str | None = None,
        *,
        asynchronous: bool = False,
        tries: int | None = None,
        backoff: tuple[int, ...] | None = None,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register a function as an operator under `name` (default: the function's name)."""

        def register(func: Callable[..., Any]) -> Callable[..., Any]:
            key = name or func.__name__
            if key in self._operators:
                raise ValueError(f"operator {key!r} is registered twice")
            doc = (func.__doc__ or "").strip().splitlines()
            self._operators[key] = Operator(key, func, asynchronous, tries, backoff, doc[0] if doc else "")
            return func

        return register

    def get(self, name: str) -> Operator:
        try:
            return self._operators[name]
        except KeyError:
            known = ", ".join(sorted(self._operators)) or "none"
            raise NotFound(f"no service operator named {name!r} is registered (known: {known})") from None

    def __contains__(self, name: object) -> bool:
        return name in self._operators

    def names(self) -> list[str]:
        return sorted(self._operators)

    def merged(self, other: OperatorRegistry) -> OperatorRegistry:
        clash = sorted(set(self._operators) & set(other._operators))
        if clash:
            raise ValueError(f"operator(s) {', '.join(clash)} are registered by two modules; keep one")
        combined = OperatorRegistry()
        combined._operators = {**self._operators, **other._operators}
        return combined
