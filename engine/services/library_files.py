"""The deployed library as files: the newest deployed file of every path, and `ipflow export`,
which writes them back to bpmn/ and forms/ byte for byte (deploying the export reproduces the
same content hashes), with the letters deployed from the studio in forms/letters/."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import DefinitionFile, DefinitionVersion, LibraryBlob
from engine.errors import Conflict
from engine.services.library import FORMS_PREFIX


@dataclass(frozen=True)
class DeployedFile:
    path: str  # as in DefinitionFile: trademark/trademark.bpmn, forms/trademark/formalities.form.json
    kind: str
    sha256: str
    deployed_by: str
    deployed_at: datetime


@dataclass(frozen=True)
class ExportReport:
    written: tuple[str, ...]  # files created or overwritten
    unchanged: tuple[str, ...]  # files already holding the deployed bytes


def deployed_files(session: Session) -> dict[str, DeployedFile]:
    """The files of every process's newest version; a path several processes share comes from the
    most recently deployed of those versions."""
    newest = (
        select(DefinitionVersion.process_id, func.max(DefinitionVersion.version).label("version"))
        .group_by(DefinitionVersion.process_id)
        .subquery()
    )
    rows = session.execute(
        select(DefinitionFile.path, DefinitionFile.kind, DefinitionFile.sha256, DefinitionVersion.deployed_by,
               DefinitionVersion.deployed_at, DefinitionVersion.id)
        .join(DefinitionVersion, DefinitionVersion.id == DefinitionFile.definition_version_id)
        .join(newest, (newest.c.process_id == DefinitionVersion.process_id) & (newest.c.version == DefinitionVersion.version))
    ).all()
    files: dict[str, DeployedFile] = {}
    for path, kind, sha, by, at, _ in sorted(rows, key=lambda r: (r.deployed_at, r.id)):  # the newest overwrites
        files[path] = DeployedFile(path, kind, sha, by, at)
    return files


def blob_texts(session: Session, shas: set[str]) -> dict[str, str]:
    """The stored text of each content hash, in one query."""
    if not shas:
        return {}
    return dict(session.execute(select(LibraryBlob.sha256, LibraryBlob.content).where(LibraryBlob.sha256.in_(shas))).all())


def export_library(ctx: Ipflow, to: Path | None = None, force: bool = False) -> ExportReport:
    """Write the deployed files (never drafts) to `to`/bpmn and `to`/forms, default the configured
    library folders, and each letter's newest deployed version to forms/letters/ (a letter never
    deployed from the studio is the release's file there already). A file on disk that matches no
    deployed version of its path holds edits nobody deployed: then nothing is written (Conflict
    naming them) unless `force`."""
    # letter_store builds on this module's DeployedFile, so it is imported when used.
    from engine.services.letter_store import known_letter_texts, letter_path, stored_letter_texts

    bpmn_dir, forms_dir = (to / "bpmn", to / "forms") if to is not None else (ctx.settings.bpmn_path, ctx.settings.forms_path)
    with ctx.db.reading() as session:
        deployed = deployed_files(session)
        texts = blob_texts(session, {f.sha256 for f in deployed.values()})
        files = {path: texts[file.sha256] for path, file in deployed.items()}
        files.update({FORMS_PREFIX + letter_path(name): text for name, text in stored_letter_texts(session).items()})
        known = _deployed_shas(session, set(deployed))
        known.update({FORMS_PREFIX + path: shas for path, shas in known_letter_texts(session).items()})
    targets = {path: _target(path, bpmn_dir, forms_dir) for path in sorted(files)}
    contents = {path: files[path].encode("utf-8") for path in targets}
    on_disk = {path: target.read_bytes() for path, target in targets.items() if target.is_file()}
    if not force:
        edited = [str(targets[p]) for p, data in on_disk.items() if data != contents[p] and _sha(data) not in known[p]]
        if edited:
            listing = "\n".join(f"  {name}" for name in edited)
            raise Conflict(f"{len(edited)} file(s) hold changes that were never deployed; export with --force "
                           f"to overwrite them, or deploy them first:\n{listing}")
    changed = [path for path in targets if on_disk.get(path) != contents[path]]
    for path in changed:  # an unchanged file is not touched, so its modification time stays too
        targets[path].parent.mkdir(parents=True, exist_ok=True)
        targets[path].write_bytes(contents[path])
    unchanged = [path for path in targets if path not in changed]
    return ExportReport(tuple(str(targets[p]) for p in changed), tuple(str(targets[p]) for p in unchanged))


def _target(path: str, bpmn_dir: Path, forms_dir: Path) -> Path:
    root, relative = (forms_dir, path.removeprefix(FORMS_PREFIX)) if path.startswith(FORMS_PREFIX) else (bpmn_dir, path)
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):  # a path deployed from outside the library folder
        raise Conflict(f"the deployed file {path!r} does not belong under {root}; it cannot be exported there")
    return target


def _deployed_shas(session: Session, paths: set[str]) -> dict[str, set[str]]:
    known: dict[str, set[str]] = {path: set() for path in paths}
    rows = session.execute(select(DefinitionFile.path, DefinitionFile.sha256).where(DefinitionFile.path.in_(paths)).distinct())
    for path, sha in rows:
        known[path].add(sha)
    return known


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


__all__ = ["DeployedFile", "ExportReport", "blob_texts", "deployed_files", "export_library"]
