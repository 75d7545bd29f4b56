"""Letter templates deployed from the studio. The letter renderer uses a template's newest
version here, else the file shipped in forms/letters/ (the release's fallback)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db.base import Base


class LetterVersion(Base):
    """One deployed version of one letter template (`name` without .html.j2; `_` starts a partial).
    The text is the library blob of `sha256`, like the files of a definition version."""

    __tablename__ = "letter_versions"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int]
    sha256: Mapped[str] = mapped_column(ForeignKey("library_blobs.sha256"))
    # The text this version replaced (the previous version's, or the release's file): `ipflow
    # export` knows a file on disk holding it for an old text, not for edits nobody deployed.
    base_sha256: Mapped[str | None] = mapped_column(String(64))
    deployed_by: Mapped[str] = mapped_column(String(64))
    deployed_at: Mapped[datetime]
