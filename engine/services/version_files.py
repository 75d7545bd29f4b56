"""A deployed version and its files: find a version by its number, the BPMN file that draws its
process, and which processes that drawing shows (the process and its embedded sub-processes, whose
elements the version diff names by the sub-process's id)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import DefinitionFile, DefinitionVersion, LibraryBlob
from engine.errors import NotFound

_BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@dataclass(frozen=True)
class VersionDiagram:
    """The BPMN file a version of a process was deployed with, as deployed."""

    process_id: str
    version: int
    path: str  # bpmn/trademark/trademark.bpmn
    xml: str


def version_diagram(ctx: Ipflow, process_id: str, version: int) -> VersionDiagram:
    """The BPMN file that draws `process_id` in its deployed `version` (NotFound names the versions there are)."""
    with ctx.db.reading() as session:
        row = find_version(session, process_id, version)
        path, xml = diagram_file(session, row, process_id)
    return VersionDiagram(process_id, version, path, xml)


def find_version(session: Session, process_id: str, version: int) -> DefinitionVersion:
    """A deployed version by its number; NotFound names the versions there are."""
    row = session.scalar(
        select(DefinitionVersion).where(DefinitionVersion.process_id == process_id, DefinitionVersion.version == version)
    )
    if row is None:
        known = session.scalars(
            select(DefinitionVersion.version)
            .where(DefinitionVersion.process_id == process_id)
            .order_by(DefinitionVersion.version)
        ).all()
        have = f"deployed versions: {', '.join(str(v) for v in known)}" if known else "it was never deployed"
        raise NotFound(f"process {process_id!r} has no version {version} ({have})")
    return row


def diagram_file(session: Session, version: DefinitionVersion, process_id: str) -> tuple[str, str]:
    """(path, text) of the version's BPMN file that defines `process_id`."""
    files = session.execute(
        select(DefinitionFile.path, LibraryBlob.content)
        .join(LibraryBlob, LibraryBlob.sha256 == DefinitionFile.sha256)
        .where(DefinitionFile.definition_version_id == version.id, DefinitionFile.kind == "bpmn")
        .order_by(DefinitionFile.path)
    )
    for path, content in files:
        if _process(content, process_id) is not None:
            return path, content
    raise NotFound(f"the BPMN file of process {process_id!r} is not in version {version.version}")


def drawn_processes(xml: str, process_id: str) -> frozenset[str]:
    """The process and the embedded sub-processes inside it (at any depth): what its diagram draws."""
    process = _process(xml, process_id)
    if process is None:
        return frozenset()
    return frozenset(
        {process_id, *(s.get("id") for s in process.iter(f"{_BPMN}subProcess", f"{_BPMN}transaction") if s.get("id"))}
    )


def _process(xml: str, process_id: str):
    root = etree.fromstring(xml.encode("utf-8"), _PARSER)
    return next((p for p in root.iter(f"{_BPMN}process") if p.get("id") == process_id), None)


__all__ = ["VersionDiagram", "diagram_file", "drawn_processes", "find_version", "version_diagram"]
