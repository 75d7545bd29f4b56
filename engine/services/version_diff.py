"""Use case: what changed between two deployed versions of a process, element by element.

The analyst reads it before moving running cases, so it names BPMN elements (ids and labels, as in
the diagram), says what changed about each in words, and flags the user tasks and timers whose
changes running cases would notice. The studio's diff page also colours them on both versions'
diagrams, so it learns which of them each diagram draws.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import DefinitionFile, DefinitionVersion
from engine.runtime.versions import ElementChange, VersionMove
from engine.services.library import FORM_SUFFIX, specs_for
from engine.services.version_files import diagram_file, drawn_processes, find_version


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


@dataclass(frozen=True)
class DiffOnDiagrams:
    """A diff with what each version's diagram draws, for the page that colours both diagrams:
    elements of called processes are not on them and stay in the lists only."""

    diff: VersionDiff
    old_drawn: frozenset[str]  # the processes the old version's diagram draws (the process, its sub-processes)
    new_drawn: frozenset[str]

    def on_old(self, change: ElementChange) -> bool:
        return change.process_id in self.old_drawn

    def on_new(self, change: ElementChange) -> bool:
        return change.process_id in self.new_drawn

    @property
    def old_marks(self) -> dict[str, tuple[str, ...]]:
        """Element ids to colour on the old version's diagram, by what happened to them."""
        return {"removed": _ids(self.diff.removed, self.on_old), "changed": _ids(self.diff.changed, self.on_old)}

    @property
    def new_marks(self) -> dict[str, tuple[str, ...]]:
        return {"added": _ids(self.diff.added, self.on_new), "changed": _ids(self.diff.changed, self.on_new)}


def diff_versions(ctx: Ipflow, process_id: str, from_version: int, to_version: int) -> VersionDiff:
    """Compare two deployed versions of `process_id`, including the processes its call activities call."""
    with ctx.db.reading() as session:
        old = find_version(session, process_id, from_version)
        new = find_version(session, process_id, to_version)
        move = version_move(ctx, session, old, new)
    return _diff(process_id, from_version, to_version, move)


def diff_on_diagrams(ctx: Ipflow, process_id: str, from_version: int, to_version: int) -> DiffOnDiagrams:
    """The diff of `diff_versions`, and which of its elements each version's diagram draws."""
    with ctx.db.reading() as session:
        old = find_version(session, process_id, from_version)
        new = find_version(session, process_id, to_version)
        move = version_move(ctx, session, old, new)
        drawn = [drawn_processes(diagram_file(session, v, process_id)[1], process_id) for v in (old, new)]
    return DiffOnDiagrams(_diff(process_id, from_version, to_version, move), *drawn)


def _diff(process_id: str, from_version: int, to_version: int, move: VersionMove) -> VersionDiff:
    changes = move.changes()
    return VersionDiff(
        process_id, from_version, to_version, changes.added, changes.removed, changes.changed, changes.unchanged_count
    )


def _ids(changes: tuple[ElementChange, ...], drawn) -> tuple[str, ...]:
    return tuple(c.element_id for c in changes if drawn(c))


def version_move(ctx: Ipflow, session: Session, old: DefinitionVersion, new: DefinitionVersion) -> VersionMove:
    """How to move workflows from `old` to `new`. Workflows must be loaded onto `move.old`: the spec
    diffs recognise tasks by their spec objects."""
    return VersionMove(specs_for(ctx, old), specs_for(ctx, new), f"version {new.version}", _changed_forms(session, old, new))


def _changed_forms(session: Session, old: DefinitionVersion, new: DefinitionVersion) -> frozenset[str]:
    """Form keys whose file differs between the versions: forms are pinned files, not part of the specs."""
    rows = session.execute(
        select(DefinitionFile.definition_version_id, DefinitionFile.path, DefinitionFile.sha256).where(
            DefinitionFile.definition_version_id.in_([old.id, new.id]), DefinitionFile.kind == "form"
        )
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


__all__ = ["DiffOnDiagrams", "ElementChange", "VersionDiff", "diff_on_diagrams", "diff_versions", "find_version", "version_move"]
