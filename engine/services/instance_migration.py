"""Use cases: move running instances from one deployed version of their process to another.

`plan_migration` is the dry run: it moves each instance in memory and says which would move and,
for the others, why not, in words a person can act on. `migrate_instances` moves them for real, one
transaction per instance under the instance lock, so one refusal never stops the batch and a
half-done batch leaves every instance either moved or untouched. Each move keeps the state from
before it, so `reverse_migration` can put the instance back as long as nothing happened since.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import DefinitionVersion, InstanceMigration, InstanceStatus, ProcessInstance
from engine.errors import Conflict, InvalidInput, IpflowError, NotFound
from engine.runtime.state import load_state
from engine.runtime.versions import VersionMove
from engine.services.library import specs_for
from engine.services.stepping import Step, audit, lock_instance, retrying, save, script_engine
from engine.services.version_diff import find_version, version_move

FINISHED = (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED)


class MovableInstance(NamedTuple):
    instance_id: int
    business_key: str | None


class RefusedInstance(NamedTuple):
    instance_id: int
    business_key: str | None
    reason: str


class MovedInstance(NamedTuple):
    instance_id: int
    business_key: str | None
    migration_id: int  # give it to reverse_migration to put the instance back


@dataclass(frozen=True)
class MigrationPlan:
    process_id: str
    from_version: int
    to_version: int
    movable: tuple[MovableInstance, ...]
    refused: tuple[RefusedInstance, ...]


@dataclass(frozen=True)
class MigrationReport:
    process_id: str
    from_version: int
    to_version: int
    moved: tuple[MovedInstance, ...]
    refused: tuple[RefusedInstance, ...]


@dataclass(frozen=True)
class ReversedMigration:
    migration_id: int
    instance_id: int
    business_key: str | None
    version: int  # the version the instance is back on


@dataclass(frozen=True)
class _Versions:
    process_id: str
    old_id: int
    old: int
    new_id: int
    new: int
    move: VersionMove


def plan_migration(
    ctx: Ipflow, process_id: str, from_version: int, to_version: int, instance_ids: Iterable[int] | None = None
) -> MigrationPlan:
    """Dry run: which instances on `from_version` (all, or those given) can move to `to_version`."""
    movable = []
    with ctx.db.reading() as session:
        versions = _versions(ctx, session, process_id, from_version, to_version)
        candidates, refused = _candidates(session, versions, instance_ids)
        for instance_id, business_key in candidates:
            instance = session.get(ProcessInstance, instance_id)
            reasons = _moved_in_memory(ctx, session, instance, versions)[1]
            if reasons:
                refused.append(RefusedInstance(instance_id, business_key, "; ".join(reasons)))
            else:
                movable.append(MovableInstance(instance_id, business_key))
            session.expunge(instance)  # its state text is large; the plan keeps only the verdict
    return MigrationPlan(process_id, from_version, to_version, tuple(movable), tuple(sorted(refused)))


def migrate_instances(
    ctx: Ipflow,
    process_id: str,
    from_version: int,
    to_version: int,
    instance_ids: Iterable[int] | None,
    actor: str,
    on_progress: Callable[[int, int], None] | None = None,
) -> MigrationReport:
    """Move the given instances (None: every running one on `from_version`), each in its own
    transaction; `on_progress(done, total)` is called after each."""
    with ctx.db.reading() as session:
        versions = _versions(ctx, session, process_id, from_version, to_version)
        candidates, refused = _candidates(session, versions, instance_ids)
    moved: list[MovedInstance] = []
    total, done = len(candidates) + len(refused), len(refused)
    if done and on_progress:
        on_progress(done, total)
    for instance_id, business_key in candidates:
        try:
            outcome = retrying(3, lambda i=instance_id: _move(ctx, i, versions, actor))
        except IpflowError as exc:  # e.g. a new task's due date failed to evaluate: this one stays, the batch goes on
            outcome = RefusedInstance(instance_id, business_key, str(exc))
        (moved if isinstance(outcome, MovedInstance) else refused).append(outcome)
        done += 1
        if on_progress:
            on_progress(done, total)
    return MigrationReport(process_id, from_version, to_version, tuple(moved), tuple(sorted(refused)))


def reverse_migration(ctx: Ipflow, migration_id: int, actor: str) -> ReversedMigration:
    """Put a moved instance back on its old version with its old state, if nothing happened since.
    Audited as "instance_migration_reversed" with the move it made (from the new version to the old)."""
    return retrying(3, lambda: _reverse(ctx, migration_id, actor))


def _move(ctx: Ipflow, instance_id: int, versions: _Versions, actor: str) -> MovedInstance | RefusedInstance:
    with ctx.db.transaction() as session:
        instance = lock_instance(ctx, session, instance_id)
        reason = _why_not(instance, versions)  # again, under the lock: it may have changed since the plan
        if reason:
            return RefusedInstance(instance.id, instance.business_key, reason)
        state_before = instance.state
        workflow, reasons = _moved_in_memory(ctx, session, instance, versions)
        if reasons:
            return RefusedInstance(instance.id, instance.business_key, "; ".join(reasons))
        instance.definition_version_id = versions.new_id
        save(ctx, Step(session, instance, workflow, actor))  # state, inbox rows, timer jobs, subscriptions
        record = InstanceMigration(
            instance_id=instance.id, from_version_id=versions.old_id, to_version_id=versions.new_id, state_before=state_before,
            lock_version_after=instance.lock_version, migrated_by=actor, migrated_at=ctx.clock.now(),
        )
        session.add(record)
        session.flush()
        audit(session, ctx, "instance_migrated", actor, instance.id,
              data={"from_version": versions.old, "to_version": versions.new, "migration_id": record.id})
        return MovedInstance(instance.id, instance.business_key, record.id)


def _reverse(ctx: Ipflow, migration_id: int, actor: str) -> ReversedMigration:
    with ctx.db.transaction() as session:
        record = session.get(InstanceMigration, migration_id)
        if record is None:
            raise NotFound(f"migration {migration_id} does not exist")
        if record.reversed_at is not None:
            raise Conflict(f"migration {migration_id} was already reversed, by {record.reversed_by} at {_stamp(record.reversed_at)}")
        instance = lock_instance(ctx, session, record.instance_id)
        old = session.get(DefinitionVersion, record.from_version_id)
        new = session.get(DefinitionVersion, record.to_version_id)
        if instance.lock_version != record.lock_version_after or instance.definition_version_id != new.id:
            raise Conflict(
                f"the case moved on after the migration (instance {instance.id} changed "
                f"{max(instance.lock_version - record.lock_version_after, 1)} time(s) since it was moved to version {new.version} "
                f"on {_stamp(record.migrated_at)}); move it back with a new migration from version {new.version} to {old.version}"
            )
        workflow = load_state(record.state_before, specs_for(ctx, old))
        workflow.script_engine = script_engine(ctx, session, instance)
        instance.definition_version_id = old.id
        save(ctx, Step(session, instance, workflow, actor))
        record.reversed_at, record.reversed_by = ctx.clock.now(), actor
        audit(session, ctx, "instance_migration_reversed", actor, instance.id,
              data={"from_version": new.version, "to_version": old.version, "migration_id": record.id})
        return ReversedMigration(record.id, instance.id, instance.business_key, old.version)


def _versions(ctx: Ipflow, session: Session, process_id: str, from_version: int, to_version: int) -> _Versions:
    if from_version == to_version:
        raise InvalidInput("nothing to migrate: both versions are the same", {"to_version": ["Choose another version than the one the cases are on."]})
    old = find_version(session, process_id, from_version)
    new = find_version(session, process_id, to_version)
    return _Versions(process_id, old.id, old.version, new.id, new.version, version_move(ctx, session, old, new))


def _candidates(session: Session, versions: _Versions, instance_ids: Iterable[int] | None):
    """The (id, business key) of instances to try, and refusals for requested ones that are not
    on the old version or have finished."""
    if instance_ids is None:
        rows = session.execute(
            select(ProcessInstance.id, ProcessInstance.business_key)
            .where(ProcessInstance.definition_version_id == versions.old_id, ProcessInstance.status.not_in(FINISHED))
            .order_by(ProcessInstance.id)
        ).all()
        return [(i, k) for i, k in rows], []
    wanted = sorted(set(instance_ids))
    found = {
        row.id: row
        for row in session.execute(
            select(ProcessInstance.id, ProcessInstance.business_key, ProcessInstance.process_id, ProcessInstance.status,
                   ProcessInstance.definition_version_id, DefinitionVersion.version)
            .join(DefinitionVersion, DefinitionVersion.id == ProcessInstance.definition_version_id)
            .where(ProcessInstance.id.in_(wanted))
        )
    }
    candidates, refused = [], []
    for instance_id in wanted:
        row = found.get(instance_id)
        reason = f"instance {instance_id} does not exist" if row is None else _why_not(row, versions, row.version)
        if reason:
            refused.append(RefusedInstance(instance_id, row.business_key if row else None, reason))
        else:
            candidates.append((instance_id, row.business_key))
    return candidates, refused


def _why_not(instance, versions: _Versions, on_version: int | None = None) -> str | None:
    if instance.process_id != versions.process_id:
        return f"instance {instance.id} runs process {instance.process_id!r}, not {versions.process_id!r}"
    if instance.definition_version_id != versions.old_id:
        where = f"version {on_version}" if on_version is not None else "another version"
        return f"instance {instance.id} is on {where}, not version {versions.old}"
    if instance.status in FINISHED:
        return f"instance {instance.id} has {'completed' if instance.status == InstanceStatus.COMPLETED else 'been terminated'}; there is nothing to move"
    return None


def _moved_in_memory(ctx: Ipflow, session: Session, instance: ProcessInstance, versions: _Versions):
    """The instance's workflow moved to the new version (not saved), or the reasons it cannot move."""
    workflow = load_state(instance.state, versions.move.old)  # the specs the move's diffs were built from
    workflow.script_engine = script_engine(ctx, session, instance)
    return workflow, versions.move.apply(workflow)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


__all__ = ["MigrationPlan", "MigrationReport", "MovableInstance", "MovedInstance", "RefusedInstance", "ReversedMigration",
           "migrate_instances", "plan_migration", "reverse_migration"]
