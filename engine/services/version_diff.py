"""Use case: what changed between two deployed versions of a process, element by element.

The analyst reads it before moving running cases, so it names BPMN elements (ids and labels, as in
the diagram), says what changed about each in words, and flags the user tasks and timers whose
changes running cases would notice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import DefinitionFile, DefinitionVersion
from engine.errors import NotFound
from engine.runtime.versions import ElementChange, VersionMove
from engine.services.library import FORM_SUFFIX, specs_for


@dataclass(frozen=True)
class VersionDiff:
    process_id: str
    from_version: int
    to_version: int
    added: tuple[ElementChange, ...]
    removed: tuple[ElementChange, ...]
    changed: tuple[ElementChange, ...]
    unchanged_count: int

    @property
    def user_tasks_changed(self) -> tuple[ElementChange, ...]:
        """Changed user tasks: a case waiting at one of them cannot move until it is done."""
        return tuple(c for c in self.changed if c.user_task)

    @property
    def timers_changed(self) -> tuple[ElementChange, ...]:
        """Changed timers: waiting cases keep their due dates when they move; new waits use the new rule."""
        return tuple(c for c in self.changed if c.timer)

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_versions(ctx: Ipflow, process_id: str, from_version: int, to_version: int) -> VersionDiff:
    """Compare two deployed versions of `process_id`, including the processes its call activities call."""
    with ctx.db.reading() as session:
        old = find_version(session, process_id, from_version)
        new = find_version(session, process_id, to_version)
        move = version_move(ctx, session, old, new)
    changes = move.changes()
    return VersionDiff(process_id, from_version, to_version, changes.added, changes.removed, changes.changed, changes.unchanged_count)


def find_version(session: Session, process_id: str, version: int) -> DefinitionVersion:
    """A deployed version by its number; NotFound names the versions there are."""
    row = session.scalar(
        select(DefinitionVersion).where(DefinitionVersion.process_id == process_id, DefinitionVersion.version == version)
    )
    if row is None:
        known = session.scalars(
            select(DefinitionVersion.version).where(DefinitionVersion.process_id == process_id).order_by(DefinitionVersion.version)
        ).all()
        have = f"deployed versions: {', '.join(str(v) for v in known)}" if known else "it was never deployed"
        raise NotFound(f"process {process_id!r} has no version {version} ({have})")
    return row


def version_move(ctx: Ipflow, session: Session, old: DefinitionVersion, new: DefinitionVersion) -> VersionMove:
    """How to move workflows from `old` to `new`. Workflows must be loaded onto `move.old`: the spec
    diffs recognise tasks by their spec objects."""
    return VersionMove(specs_for(ctx, old), specs_for(ctx, new), f"version {new.version}", _changed_forms(session, old, new))


def _changed_forms(session: Session, old: DefinitionVersion, new: DefinitionVersion) -> frozenset[str]:
    """Form keys whose file differs between the versions: forms are pinned files, not part of the specs."""
    rows = session.execute(
        select(DefinitionFile.definition_version_id, DefinitionFile.path, DefinitionFile.sha256)
        .where(DefinitionFile.definition_version_id.in_([old.id, new.id]), DefinitionFile.kind == "form")
    )
    files: dict[int, dict[str, str]] = {old.id: {}, new.id: {}}
    for version_id, path, sha in rows:
        files[version_id][path] = sha
    changed = {path for path, sha in files[old.id].items() if files[new.id].get(path, sha) != sha}
    return frozenset(_form_key(path) for path in changed)


def _form_key(path: str) -> str:
    """forms/trademark/examination.form.json -> trademark/examination (as in a task's formKey)."""
    key = path.removeprefix("forms/")
    return key[: -len(FORM_SUFFIX)] if key.endswith(FORM_SUFFIX) else key.removesuffix(".json")


__all__ = ["ElementChange", "VersionDiff", "diff_versions", "find_version", "version_move"]
