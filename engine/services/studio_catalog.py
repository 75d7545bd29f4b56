"""What the studio's editors offer in their pick lists: operators and their parameters, roles,
forms and processes (so an analyst chooses a name instead of typing one)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.container import Ipflow
from engine.db.models import DefinitionVersion
from engine.services.workspace import workspace_files

FORM_PREFIX, FORM_SUFFIX = "forms/", ".form.json"


@dataclass(frozen=True)
class OperatorEntry:
    name: str
    parameters: tuple[str, ...]
    description: str
    asynchronous: bool


@dataclass(frozen=True)
class Catalog:
    operators: tuple[OperatorEntry, ...]
    roles: tuple[str, ...]
    forms: tuple[str, ...]  # form keys: trademark/filing_date_check
    processes: tuple[str, ...]


def studio_catalog(ctx: Ipflow) -> Catalog:
    operators = tuple(
        OperatorEntry(op.name, op.parameters, op.description, op.asynchronous)
        for op in (ctx.operators.get(name) for name in ctx.operators.names())
    )
    forms = tuple(
        f.path[len(FORM_PREFIX): -len(FORM_SUFFIX)] for f in workspace_files(ctx) if f.kind == "form" and f.path.endswith(FORM_SUFFIX)
    )
    with ctx.db.reading() as session:
        processes = tuple(session.scalars(select(DefinitionVersion.process_id).distinct().order_by(DefinitionVersion.process_id)))
    return Catalog(operators, tuple(sorted(ctx.settings.roles)), tuple(sorted(forms)), processes)
