"""The studio's library page: the deployed processes by right type, each with its versions (and
how many instances still run on each), its decision tables, forms and letters; and every letter
template with the version in force (or the release's file) and whether a draft of it is saved.

A fixed number of queries whatever the number of versions: one aggregate for versions and their
instance counts, one for the newest versions' files, one for the BPMN texts those files point to,
one for the letters in force and one for the letter drafts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import DefinitionFile, DefinitionVersion, InstanceStatus, LibraryDraft, ProcessInstance
from engine.runtime.parsing import BPMN_NS, SPIFF_NS
from engine.services.letter_store import deployed_letters, letter_name, letter_path
from engine.services.library_files import blob_texts

# The folders of bpmn/ in the order the page shows them; any other folder follows, by name.
FOLDER_ORDER = ("trademark", "patent", "design", "common", "demo")
# Instances that still hold their version: everything not finished for good.
LIVE_STATUSES = (InstanceStatus.RUNNING, InstanceStatus.ERROR, InstanceStatus.SUSPENDED)
SHORT_HASH = 12


@dataclass(frozen=True)
class VersionRow:
    version: int
    content_hash: str  # the first 12 hex digits
    deployed_by: str
    deployed_at: datetime
    running_instances: int  # running, in error or suspended


@dataclass(frozen=True)
class ProcessEntry:
    process_id: str
    name: str
    folder: str  # the right type: the folder of the BPMN file that defines the process
    file: str  # that BPMN file, as a workspace path
    versions: tuple[VersionRow, ...]  # newest first
    decision_tables: tuple[str, ...]  # DMN files of the newest version
    forms: tuple[str, ...]  # form files of the newest version
    letters: tuple[str, ...]  # letter templates the newest version sends (literal names only)


@dataclass(frozen=True)
class RightGroup:
    folder: str
    processes: tuple[ProcessEntry, ...]


@dataclass(frozen=True)
class LetterEntry:
    name: str  # refusal, _layout
    path: str  # the workspace path: letters/refusal.html.j2
    partial: bool
    version: int | None  # the deployed version in force; None: the release's file (or only a draft)
    deployed_by: str | None
    deployed_at: datetime | None
    drafted: bool


@dataclass(frozen=True)
class LibraryOverview:
    groups: tuple[RightGroup, ...]
    letters: tuple[str, ...]  # every letter one can send (deployed or in forms/letters), no partials
    missing_letters: tuple[str, ...]  # sent by a deployed process, yet no such letter exists
    letter_files: tuple[LetterEntry, ...] = ()  # every letter template, partials first, drafts too


@dataclass(frozen=True)
class _BpmnFacts:
    process_ids: frozenset[str]
    letters: frozenset[str]


def library_overview(ctx: Ipflow) -> LibraryOverview:
    """The deployed library, grouped by right type."""
    with ctx.db.reading() as session:
        versions = _versions(session)
        newest = {process_id: rows[0][0] for process_id, rows in versions.items()}
        files = _files(session, set(newest.values()))
        bpmn_shas = {sha for version_files in files.values() for path, kind, sha in version_files if kind == "bpmn"}
        facts = {sha: _facts(text) for sha, text in blob_texts(session, bpmn_shas).items()}
        letters = _letters(ctx, session)
    entries = [_entry(pid, rows, files.get(newest[pid], []), facts) for pid, rows in versions.items()]
    in_force = tuple(e.name for e in letters if not e.partial and e.deployed_by is not None)  # not just drafted
    sent = {letter for entry in entries for letter in entry.letters}
    return LibraryOverview(_groups(entries), in_force, tuple(sorted(sent - set(in_force))), letters)


def _letters(ctx: Ipflow, session: Session) -> tuple[LetterEntry, ...]:
    in_force = {letter_name(path): letter for path, letter in deployed_letters(ctx, session).items()}
    drafted = {letter_name(path) for path in session.scalars(select(LibraryDraft.path).where(LibraryDraft.kind == "letter"))}
    entries = []
    for name in sorted(in_force.keys() | drafted, key=lambda n: (not n.startswith("_"), n)):
        letter = in_force.get(name)
        file = letter.file if letter is not None else None
        entries.append(LetterEntry(name, letter_path(name), name.startswith("_"), letter and letter.version,
                                   file and file.deployed_by, file and file.deployed_at, name in drafted))
    return tuple(entries)


def _versions(session: Session) -> dict[str, list[tuple[int, str, VersionRow]]]:
    """process_id -> [(version id, name, row)], newest first, with instance counts in one query."""
    live = (ProcessInstance.definition_version_id == DefinitionVersion.id) & ProcessInstance.status.in_(LIVE_STATUSES)
    rows = session.execute(
        select(
            DefinitionVersion.id,
            DefinitionVersion.process_id,
            DefinitionVersion.name,
            DefinitionVersion.version,
            DefinitionVersion.content_hash,
            DefinitionVersion.deployed_by,
            DefinitionVersion.deployed_at,
            func.count(ProcessInstance.id),
        )
        .outerjoin(ProcessInstance, live)
        .group_by(DefinitionVersion.id)
        .order_by(DefinitionVersion.process_id, DefinitionVersion.version.desc())
    )
    out: dict[str, list] = defaultdict(list)
    for version_id, process_id, name, number, digest, by, at, running in rows:
        out[process_id].append((version_id, name, VersionRow(number, digest[:SHORT_HASH], by, at, running)))
    return out


def _files(session: Session, version_ids: set[int]) -> dict[int, list[tuple[str, str, str]]]:
    out: dict[int, list] = defaultdict(list)
    if not version_ids:
        return out
    rows = session.execute(
        select(DefinitionFile.definition_version_id, DefinitionFile.path, DefinitionFile.kind, DefinitionFile.sha256)
        .where(DefinitionFile.definition_version_id.in_(version_ids))
        .order_by(DefinitionFile.path)
    )
    for version_id, path, kind, sha in rows:
        out[version_id].append((path, kind, sha))
    return out


def _entry(process_id: str, rows: list, files: list[tuple[str, str, str]], facts: dict[str, _BpmnFacts]) -> ProcessEntry:
    bpmn = [(path, facts.get(sha, _BpmnFacts(frozenset(), frozenset()))) for path, kind, sha in files if kind == "bpmn"]
    defining = next((path for path, fact in bpmn if process_id in fact.process_ids), bpmn[0][0] if bpmn else "")
    return ProcessEntry(
        process_id=process_id,
        name=rows[0][1],
        folder=defining.split("/")[0] if "/" in defining else "",
        file=defining,
        versions=tuple(row for _, _, row in rows),
        decision_tables=tuple(path for path, kind, _ in files if kind == "dmn"),
        forms=tuple(path for path, kind, _ in files if kind == "form"),
        letters=tuple(sorted({letter for _, fact in bpmn for letter in fact.letters})),
    )


def _groups(entries: list[ProcessEntry]) -> tuple[RightGroup, ...]:
    by_folder: dict[str, list[ProcessEntry]] = defaultdict(list)
    for entry in entries:
        by_folder[entry.folder].append(entry)

    def order(folder: str) -> tuple[int, str]:
        return (FOLDER_ORDER.index(folder) if folder in FOLDER_ORDER else len(FOLDER_ORDER), folder)

    return tuple(
        RightGroup(folder, tuple(sorted(by_folder[folder], key=lambda e: e.process_id))) for folder in sorted(by_folder, key=order)
    )


def _facts(text: str) -> _BpmnFacts:
    """The processes a BPMN file defines and the letters its send_letter tasks name literally."""
    try:
        root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:  # deployed files were parsed before; this only guards the page
        return _BpmnFacts(frozenset(), frozenset())
    process_ids = frozenset(p.get("id") for p in root.iter(f"{{{BPMN_NS}}}process") if p.get("id"))
    letters = set()
    for operator in root.iter(f"{{{SPIFF_NS}}}serviceTaskOperator"):
        if operator.get("id") != "send_letter":
            continue
        for parameter in operator.iter(f"{{{SPIFF_NS}}}parameter"):
            value = (parameter.get("value") or "").strip()
            if parameter.get("id") == "template" and len(value) > 2 and value[0] == value[-1] and value[0] in "'\"":
                letters.add(value[1:-1])
    return _BpmnFacts(process_ids, frozenset(letters))


__all__ = ["LetterEntry", "LibraryOverview", "ProcessEntry", "RightGroup", "VersionRow", "library_overview"]
