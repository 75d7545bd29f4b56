"""The service operators ipflow ships. Each module registers its operators on its own registry;
`default_operators()` merges them for the composition root."""

from __future__ import annotations

from engine.runtime.operators import OperatorRegistry


def default_operators() -> OperatorRegistry:
    from engine.operators import demo

    return demo.registry.merged(OperatorRegistry())
