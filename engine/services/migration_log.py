"""Read side of instance migrations: the moves made into a version, newest first (to reverse one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine.container import Ipflow
from engine.db.models import DefinitionVersion, InstanceMigration, ProcessInstance


@dataclass(frozen=True)
class MigrationRow:
    id: int
    instance_id: int
    business_key: str | None
    from_version: int
    to_version: int
    migrated_by: str
    migrated_at: datetime
    reversed_at: datetime | None
    reversible: bool  # not reversed, and nothing happened in the instance since


def migrations_into(ctx: Ipflow, process_id: str, to_version: int, limit: int = 200) -> tuple[MigrationRow, ...]:
    source, target = DefinitionVersion.__table__.alias("source"), DefinitionVersion.__table__.alias("target")
    with ctx.db.reading() as session:
        rows = session.execute(
            select(InstanceMigration, ProcessInstance.business_key, ProcessInstance.lock_version, source.c.version, target.c.version)
            .join(ProcessInstance, ProcessInstance.id == InstanceMigration.instance_id)
            .join(source, source.c.id == InstanceMigration.from_version_id)
            .join(target, target.c.id == InstanceMigration.to_version_id)
            .where(target.c.process_id == process_id, target.c.version == to_version)
            .order_by(InstanceMigration.migrated_at.desc(), InstanceMigration.id.desc())
            .limit(limit)
        )
        return tuple(
            MigrationRow(m.id, m.instance_id, key, old, new, m.migrated_by, m.migrated_at, m.reversed_at,
                         m.reversed_at is None and lock == m.lock_version_after)
            for m, key, lock, old, new in rows
        )
