"""The service operators ipflow ships. Each module registers its operators on its own registry;
`default_operators()` merges them for the composition root."""

from __future__ import annotations

from engine.runtime.operators import OperatorRegistry


def default_operators() -> OperatorRegistry:
    from engine.operators import (
        demo,
        office_deadlines,
        office_design,
        office_fees,
        office_letters,
        office_patent,
        office_register,
    )

    merged = OperatorRegistry()
    for module in (demo, office_register, office_deadlines, office_fees, office_letters, office_patent, office_design):
        merged = merged.merged(module.registry)
    return merged
