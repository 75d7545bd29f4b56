"""Operators only the design process needs (the shared ones live in office_register, office_fees,
office_deadlines and office_letters)."""

from __future__ import annotations

from engine.runtime.operators import OperatorRegistry

registry = OperatorRegistry()
