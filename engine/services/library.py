"""Use cases of the process library: validate it, deploy it as content-hashed versions.

The library comes as `LibrarySources`, read from the folders on disk (`ipflow validate/deploy`)
or built from the studio's workspace in the database (engine.services.workspace).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import DefinitionFile, DefinitionVersion, LibraryBlob
from engine.errors import LibraryInvalid, NotFound, Problem
from engine.forms import FormDefinition, form_key, parse_form
from engine.runtime.lint import lint_library
from engine.runtime.parsing import ParsedProcess, ParseResult, SourceFile, parse_sources, read_sources
from engine.runtime.state import SERIALIZER_VERSION, ProcessSpecs, dump_specs, load_specs
from engine.settings import Settings

FORM_SUFFIX = ".form.json"
FORMS_PREFIX = "forms/"  # form files are stored and shown as forms/<key>.form.json
SKIPPED_FORM_FOLDERS = frozenset({"letters"})  # letter templates live next to the forms


@dataclass(frozen=True)
class DeployedVersion:
    process_id: str
    name: str
    version: int
    content_hash: str
    created: bool  # False when the files were unchanged and the existing version was kept


@dataclass(frozen=True)
class LibrarySources:
    """The files of a library wherever they come from (the folders on disk, the studio's
    workspace in the database): BPMN/DMN by path under bpmn/, forms by path under forms/."""

    processes: tuple[SourceFile, ...]
    forms: Mapping[str, bytes]  # "trademark/formalities.form.json" -> bytes
    problems: tuple[Problem, ...] = ()  # found while reading: a missing folder, an unreadable file
    where: str = "the library"

    @classmethod
    def from_disk(cls, settings: Settings, paths: Iterable[Path] | None = None) -> LibrarySources:
        """bpmn/ (or the given files and folders) and every form under forms/."""
        paths = list(paths) if paths else None
        forms, problems = _read_forms(settings.forms_path)
        where = ", ".join(str(p) for p in paths) if paths else str(settings.bpmn_path)
        return cls(tuple(read_sources(settings.bpmn_path, paths)), forms, tuple(problems), where)

    def files(self) -> dict[str, bytes]:
        """Every file by its stored path: BPMN/DMN as under bpmn/, forms as forms/<path>."""
        files = {source.path: source.content for source in self.processes}
        files.update({FORMS_PREFIX + rel: content for rel, content in self.forms.items()})
        return files

    def form_paths(self) -> dict[str, str]:
        """Form key -> stored path; of two files with one key (a.json, a.form.json) the first wins."""
        paths: dict[str, str] = {}
        for rel in sorted(self.forms):
            paths.setdefault(form_key(PurePosixPath(rel)), FORMS_PREFIX + rel)
        return paths


@dataclass
class CheckedLibrary:
    parsed: ParseResult
    forms: dict[str, FormDefinition]
    sources: LibrarySources


def check_library(ctx: Ipflow, sources: LibrarySources | None = None) -> CheckedLibrary:
    """Parse and lint the library (default: the folders on disk); raise LibraryInvalid with every problem.
    Letters are always checked on disk: they are not part of a deployed version."""
    sources = sources if sources is not None else LibrarySources.from_disk(ctx.settings)
    if not sources.processes:
        raise LibraryInvalid([*sources.problems, Problem(sources.where, 0, "", "no .bpmn or .dmn files found here")])
    parsed = parse_sources(list(sources.processes))
    forms, form_problems = parse_form_files(sources.forms)
    problems = [*sources.problems, *parsed.problems, *form_problems]
    if ctx.letters.templates_dir.is_dir():  # a library without letters has nothing to check
        problems.extend(ctx.letters.check_templates())
    if not parsed.problems:
        problems.extend(
            lint_library(
                parsed,
                # A form that exists but failed to parse is reported once, on the form itself.
                form_keys=set(sources.form_paths()),
                operators=ctx.operators,
                roles=set(ctx.settings.roles),
            )
        )
    if problems:
        raise LibraryInvalid(problems)
    return CheckedLibrary(parsed, forms, sources)


def validate_library(ctx: Ipflow, paths: Iterable[Path] | None = None) -> list[str]:
    """The ids of the executable processes found; raises LibraryInvalid on any problem."""
    return sorted(check_library(ctx, LibrarySources.from_disk(ctx.settings, paths)).parsed.processes)


def deploy_library(ctx: Ipflow, paths: Iterable[Path] | None = None, actor: str = "system") -> list[DeployedVersion]:
    """Validate, then store every process whose files changed as a new version, in one transaction."""
    checked = check_library(ctx, LibrarySources.from_disk(ctx.settings, paths))
    with ctx.db.transaction() as session:
        return store_versions(ctx, session, checked, actor)


def store_versions(ctx: Ipflow, session: Session, checked: CheckedLibrary, actor: str) -> list[DeployedVersion]:
    """Store each checked process with the files it uses (a new version only where they changed)."""
    files, form_paths = checked.sources.files(), checked.sources.form_paths()
    deployed = []
    for _, process in sorted(checked.parsed.processes.items()):
        used = {path: files[path] for path in process.files}
        used.update({form_paths[key]: files[form_paths[key]] for key in process.form_keys})
        deployed.append(_store_version(ctx, session, process, used, actor))
    return deployed


def parse_form_files(files: Mapping[str, bytes]) -> tuple[dict[str, FormDefinition], list[Problem]]:
    """Parse forms given by path under forms/; the problems of every file come back together."""
    forms: dict[str, FormDefinition] = {}
    shown: dict[str, str] = {}
    problems: list[Problem] = []
    for rel in sorted(files):
        key, name = form_key(PurePosixPath(rel)), FORMS_PREFIX + rel
        if key in shown:
            problems.append(Problem(name, 0, "", f"form key {key!r} is also used by {shown[key]}"))
            continue
        shown[key] = name
        try:
            forms[key] = parse_form(key, files[rel], name)
        except LibraryInvalid as exc:
            problems.extend(exc.problems)
    return forms, problems


def _read_forms(root: Path) -> tuple[dict[str, bytes], list[Problem]]:
    if not root.is_dir():
        return {}, [Problem(str(root), 0, "", "the forms folder does not exist")]
    forms, problems = {}, []
    for file in sorted(root.rglob("*.json")):
        parts = file.relative_to(root).parts
        if parts[0] in SKIPPED_FORM_FOLDERS or any(part.startswith(".") for part in parts) or not file.is_file():
            continue
        rel = file.relative_to(root).as_posix()
        try:
            forms[rel] = file.read_bytes()
        except OSError as exc:
            problems.append(Problem(FORMS_PREFIX + rel, 0, "", f"cannot read the file: {exc.strerror or exc}"))
    return forms, problems


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


__all__ = [
    "CheckedLibrary",
    "DeployedVersion",
    "LibrarySources",
    "check_library",
    "content_hash",
    "deploy_library",
    "form_for",
    "latest_version",
    "parse_form_files",
    "specs_for",
    "store_versions",
    "validate_library",
]
