"""Use cases of the process library: validate it, deploy it as content-hashed versions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import DefinitionFile, DefinitionVersion, LibraryBlob
from engine.errors import LibraryInvalid, NotFound, Problem
from engine.forms import FormDefinition, load_forms, parse_form
from engine.runtime.lint import lint_library
from engine.runtime.parsing import ParsedProcess, ParseResult, parse_sources, read_sources
from engine.runtime.state import SERIALIZER_VERSION, ProcessSpecs, dump_specs, load_specs

FORM_SUFFIX = ".form.json"


@dataclass(frozen=True)
class DeployedVersion:
    process_id: str
    name: str
    version: int
    content_hash: str
    created: bool  # False when the files were unchanged and the existing version was kept


@dataclass
class CheckedLibrary:
    parsed: ParseResult
    forms: dict[str, FormDefinition]
    form_sources: dict[str, tuple[str, bytes]]  # key -> (path under forms/, bytes)


def check_library(ctx: Ipflow, paths: Iterable[Path] | None = None) -> CheckedLibrary:
    """Parse and lint the library (or the given files); raise LibraryInvalid with every problem."""
    sources = read_sources(ctx.settings.bpmn_path, paths)
    if not sources:
        where = ", ".join(str(p) for p in paths) if paths else str(ctx.settings.bpmn_path)
        raise LibraryInvalid([Problem(where, 0, "", "no .bpmn or .dmn files found here")])
    parsed = parse_sources(sources)
    problems = list(parsed.problems)
    forms: dict[str, FormDefinition] = {}
    try:
        forms = load_forms(ctx.settings.forms_path)
    except LibraryInvalid as exc:
        problems.extend(exc.problems)
    if ctx.letters.templates_dir.is_dir():  # a library without letters has nothing to check
        problems.extend(ctx.letters.check_templates())
    if not parsed.problems:
        problems.extend(
            lint_library(
                parsed,
                form_keys=set(forms),
                operators=ctx.operators,
                roles=set(ctx.settings.roles),
            )
        )
    if problems:
        raise LibraryInvalid(problems)
    return CheckedLibrary(parsed, forms, _form_sources(ctx.settings.forms_path))


def validate_library(ctx: Ipflow, paths: Iterable[Path] | None = None) -> list[str]:
    """The ids of the executable processes found; raises LibraryInvalid on any problem."""
    return sorted(check_library(ctx, paths).parsed.processes)


def deploy_library(ctx: Ipflow, paths: Iterable[Path] | None = None, actor: str = "system") -> list[DeployedVersion]:
    """Validate, then store every process whose files changed as a new version, in one transaction."""
    checked = check_library(ctx, paths)
    sources = {s.path: s for s in read_sources(ctx.settings.bpmn_path, paths)}
    deployed = []
    with ctx.db.transaction() as session:
        for _, process in sorted(checked.parsed.processes.items()):
            files = {path: sources[path].content for path in process.files}
            files.update({_form_path(key, checked): checked.form_sources[key][1] for key in process.form_keys})
            deployed.append(_store_version(ctx, session, process, files, actor))
    return deployed


def _form_sources(root: Path) -> dict[str, tuple[str, bytes]]:
    out = {}
    if not root.exists():
        return out
    for file in sorted(root.rglob("*.json")):
        rel = file.relative_to(root).as_posix()
        if rel.startswith("letters/"):
            continue
        key = rel[: -len(FORM_SUFFIX)] if rel.endswith(FORM_SUFFIX) else rel[: -len(".json")]
        out[key] = (f"forms/{rel}", file.read_bytes())
    return out


def _form_path(key: str, checked: CheckedLibrary) -> str:
    return checked.form_sources[key][0]


def content_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + hashlib.sha256(files[path]).digest())
    return digest.hexdigest()


def _store_version(ctx: Ipflow, session: Session, process: ParsedProcess, files: dict[str, bytes], actor: str):
    process_id = process.specs.process_id
    digest = content_hash(files)
    existing = session.scalar(
        select(DefinitionVersion).where(DefinitionVersion.process_id == process_id, DefinitionVersion.content_hash == digest)
    )
    if existing is not None:
        return DeployedVersion(process_id, existing.name, existing.version, digest, created=False)
    latest = session.scalar(select(func.max(DefinitionVersion.version)).where(DefinitionVersion.process_id == process_id))
    version = DefinitionVersion(
        process_id=process_id,
        name=process.name,
        version=(latest or 0) + 1,
        content_hash=digest,
        spec_json=dump_specs(process.specs),
        serializer_version=SERIALIZER_VERSION,
        deployed_at=ctx.clock.now(),
        deployed_by=actor,
    )
    for path, content in sorted(files.items()):
        sha = hashlib.sha256(content).hexdigest()
        if session.get(LibraryBlob, sha) is None:
            session.add(LibraryBlob(sha256=sha, content=content.decode("utf-8")))
            session.flush()
        kind = "form" if path.startswith("forms/") else ("dmn" if path.endswith(".dmn") else "bpmn")
        version.files.append(DefinitionFile(path=path, kind=kind, sha256=sha))
    session.add(version)
    session.flush()
    return DeployedVersion(process_id, version.name, version.version, digest, created=True)


def latest_version(session: Session, process_id: str) -> DefinitionVersion:
    version = session.scalar(
        select(DefinitionVersion)
        .where(DefinitionVersion.process_id == process_id)
        .order_by(DefinitionVersion.version.desc())
        .limit(1)
    )
    if version is None:
        known = ", ".join(session.scalars(select(DefinitionVersion.process_id).distinct())) or "none deployed"
        raise NotFound(f"no deployed process {process_id!r} (known: {known}); run `ipflow deploy` first")
    return version


def specs_for(ctx: Ipflow, version: DefinitionVersion) -> ProcessSpecs:
    """The deployed spec of a version, deserialized once per process and then shared."""
    return ctx.specs.get(version.id, lambda: load_specs(version.spec_json))


def form_for(ctx: Ipflow, session: Session, definition_version_id: int, form_key: str) -> FormDefinition:
    """The form pinned to a definition version (a later deploy never changes a running case's form)."""
    row = session.scalar(
        select(DefinitionFile).where(
            DefinitionFile.definition_version_id == definition_version_id,
            DefinitionFile.kind == "form",
            DefinitionFile.path.in_([f"forms/{form_key}{FORM_SUFFIX}", f"forms/{form_key}.json"]),
        )
    )
    if row is None:
        raise NotFound(f"form {form_key!r} is not part of definition version {definition_version_id}")

    def load() -> FormDefinition:
        blob = session.get(LibraryBlob, row.sha256)
        return parse_form(form_key, blob.content, row.path)

    return ctx.forms.get(row.sha256, load)


def library_summary(session: Session) -> list[dict]:
    rows = session.execute(
        select(DefinitionVersion.process_id, DefinitionVersion.name, func.max(DefinitionVersion.version))
        .group_by(DefinitionVersion.process_id, DefinitionVersion.name)
        .order_by(DefinitionVersion.process_id)
    )
    return [{"process_id": p, "name": n, "latest_version": v} for p, n, v in rows]


__all__ = [
    "DeployedVersion",
    "check_library",
    "content_hash",
    "deploy_library",
    "form_for",
    "latest_version",
    "library_summary",
    "specs_for",
    "validate_library",
]
