"""Process library: content-addressed files, the definition versions built from them, and the
analysts' drafts that are not deployed yet."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db.base import Base, JSONDoc


class LibraryBlob(Base):
    """A file's bytes, stored once per content hash however many versions use it."""

    __tablename__ = "library_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[str] = mapped_column(Text)


class DefinitionVersion(Base):
    """One deployed version of one process: its serialized spec and the files it was built from."""

    __tablename__ = "definition_versions"
    __table_args__ = (
        UniqueConstraint("process_id", "version"),
        UniqueConstraint("process_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(255), index=True)
    name: Mapped[str] = mapped_column(String(255))
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    spec_json: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(16))
    deployed_at: Mapped[datetime]
    deployed_by: Mapped[str] = mapped_column(String(64))
    files: Mapped[list[DefinitionFile]] = relationship(
        back_populates="definition_version", cascade="all, delete-orphan", lazy="selectin"
    )


class DefinitionFile(Base):
    """A BPMN, DMN or form file pinned to a definition version (path relative to its library root)."""

    __tablename__ = "definition_files"

    definition_version_id: Mapped[int] = mapped_column(
        ForeignKey("definition_versions.id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(500), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # bpmn | dmn | form
    sha256: Mapped[str] = mapped_column(ForeignKey("library_blobs.sha256"))
    definition_version: Mapped[DefinitionVersion] = relationship(back_populates="files")


class LibraryDraft(Base):
    """An analyst's saved, not yet deployed, version of one library file (path as in DefinitionFile).

    `problems` holds the findings of the last validation of the whole workspace, the same list on
    every draft: a change in one file (a DMN) can break another that has no draft (a BPMN).
    """

    __tablename__ = "library_drafts"

    path: Mapped[str] = mapped_column(String(500), primary_key=True)
    content: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # bpmn | dmn | form
    sha256: Mapped[str] = mapped_column(String(64))  # of the content as UTF-8 bytes
    base_sha256: Mapped[str | None] = mapped_column(String(64))  # the deployed file it replaces; NULL when new
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[datetime]
    problems: Mapped[list] = mapped_column(JSONDoc, default=list)
