"""Read side of one deployed version of a process: its number, hash, who deployed it and when,
how many instances still run on it, and the files (BPMN, DMN, forms) it was built from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from engine.container import Ipflow
from engine.db.models import DefinitionFile, ProcessInstance
from engine.services.library_view import LIVE_STATUSES
from engine.services.version_files import find_version


@dataclass(frozen=True)
class VersionFile:
    path: str  # relative to its library root: trademark/trademark.bpmn, trademark/examination.form.json
    kind: str  # bpmn | dmn | form
    sha256: str


@dataclass(frozen=True)
class VersionDetail:
    process_id: str
    name: str
    version: int
    content_hash: str
    deployed_by: str
    deployed_at: datetime
    running_instances: int  # running, in error or suspended
    files: tuple[VersionFile, ...]


def version_detail(ctx: Ipflow, process_id: str, version: int) -> VersionDetail:
    """One deployed version and its files; NotFound names the versions there are."""
    with ctx.db.reading() as session:
        row = find_version(session, process_id, version)
        files = session.execute(
            select(DefinitionFile.path, DefinitionFile.kind, DefinitionFile.sha256)
            .where(DefinitionFile.definition_version_id == row.id)
            .order_by(DefinitionFile.path)
        ).all()
        running = session.scalar(
            select(func.count(ProcessInstance.id)).where(
                ProcessInstance.definition_version_id == row.id, ProcessInstance.status.in_(LIVE_STATUSES)
            )
        )
        return VersionDetail(
            process_id=row.process_id,
            name=row.name,
            version=row.version,
            content_hash=row.content_hash,
            deployed_by=row.deployed_by,
            deployed_at=row.deployed_at,
            running_instances=running or 0,
            files=tuple(VersionFile(path, kind, sha) for path, kind, sha in files),
        )
