"""Letters deployed from the studio: their versions in the database, the texts the letter renderer
uses, and the letters as the studio's workspace shows them.

A letter is `letters/<name>.html.j2` in the workspace (name: a-z, 0-9, `_`; a `_` first makes it
a partial such as `_layout`). Each deployment of a changed letter stores a LetterVersion; the
renderer uses each name's newest version, else the file of forms/letters/ shipped with the release.
`ipflow deploy` (from the folders on disk) never deploys letters: the folder is the fallback
itself, and what the studio deployed stays in force until someone deploys a newer text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from threading import Lock
from types import MappingProxyType

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.container import Ipflow
from engine.db.models import LetterVersion, LibraryBlob
from engine.db.session import Database
from engine.domain.letters import SUFFIX
from engine.services.library import DeployedVersion
from engine.services.library_files import DeployedFile

LETTERS_PREFIX = "letters/"
RELEASE = "the release"  # who "deployed" a letter read from forms/letters/
_NAME = re.compile(r"[a-z0-9_]+")


@dataclass(frozen=True)
class LetterFile:
    file: DeployedFile  # path letters/<name>.html.j2, kind "letter"
    text: str
    version: int | None  # None: the release's file in forms/letters/, no version deployed


def letter_name(path: str) -> str | None:
    """`refusal` for `letters/refusal.html.j2`; None for any other path."""
    name = path.removeprefix(LETTERS_PREFIX).removesuffix(SUFFIX) if isinstance(path, str) else ""
    return name if path == f"{LETTERS_PREFIX}{name}{SUFFIX}" and _NAME.fullmatch(name) else None


def letter_path(name: str) -> str:
    return f"{LETTERS_PREFIX}{name}{SUFFIX}"


def deployed_letters(ctx: Ipflow, session: Session) -> dict[str, LetterFile]:
    """Every letter by workspace path: the newest deployed version, else the release's file."""
    letters: dict[str, LetterFile] = {}
    folder = ctx.letters.templates_dir
    for file in sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else ():
        name = file.name.removesuffix(SUFFIX)
        if _NAME.fullmatch(name):
            data = file.read_bytes()
            at = datetime.fromtimestamp(file.stat().st_mtime, timezone.utc)
            deployed = DeployedFile(letter_path(name), "letter", _sha(data), RELEASE, at)
            letters[deployed.path] = LetterFile(deployed, data.decode("utf-8", errors="replace"), None)
    for row, text in _newest(session):
        deployed = DeployedFile(letter_path(row.name), "letter", row.sha256, row.deployed_by, row.deployed_at)
        letters[deployed.path] = LetterFile(deployed, text, row.version)
    return letters


def store_letters(ctx: Ipflow, session: Session, texts: Mapping[str, str], actor: str) -> list[DeployedVersion]:
    """A new version of each letter whose text differs from what is in force; reported as
    DeployedVersion with process_id `letter <name>` (e.g. "letter refusal version 2")."""
    current = deployed_letters(ctx, session)
    stored = []
    for name, text in sorted(texts.items()):
        data = text.encode("utf-8")
        sha, before = _sha(data), current.get(letter_path(name))
        if before is not None and before.file.sha256 == sha:
            continue
        if session.get(LibraryBlob, sha) is None:
            session.add(LibraryBlob(sha256=sha, content=text))
        latest = session.scalar(select(func.max(LetterVersion.version)).where(LetterVersion.name == name)) or 0
        session.add(
            LetterVersion(
                name=name,
                version=latest + 1,
                sha256=sha,
                base_sha256=before and before.file.sha256,
                deployed_by=actor,
                deployed_at=ctx.clock.now(),
            )
        )
        stored.append(DeployedVersion(f"letter {name}", name, latest + 1, sha, created=True))
    session.flush()
    return stored


def known_letter_texts(session: Session) -> dict[str, set[str]]:
    """Every text each letter had: its deployed versions and the texts they replaced."""
    known: dict[str, set[str]] = {}
    for name, sha, base in session.execute(select(LetterVersion.name, LetterVersion.sha256, LetterVersion.base_sha256)):
        known.setdefault(letter_path(name), set()).update({sha} | ({base} if base else set()))
    return known


def stored_letter_texts(session: Session) -> dict[str, str]:
    """name -> text of each letter's newest deployed version."""
    return {row.name: text for row, text in _newest(session)}


class DeployedLetters:
    """The letter renderer's `stored` source: the newest deployed texts. One small query per
    letter (the newest version id) while nothing new was deployed, so a deployment made by any
    process is used by the next letter everywhere, without a restart."""

    def __init__(self, db: Database):
        self._db = db
        self._lock = Lock()
        self._seen: int | None = None
        self._texts: Mapping[str, str] = MappingProxyType({})

    def __call__(self) -> Mapping[str, str]:
        with self._db.reading() as session:
            newest = session.scalar(select(func.max(LetterVersion.id)))
            if newest == self._seen:
                return self._texts
            texts = MappingProxyType(stored_letter_texts(session))
        with self._lock:
            self._seen, self._texts = newest, texts
        return texts


def _newest(session: Session) -> list[tuple[LetterVersion, str]]:
    newest = select(LetterVersion.name, func.max(LetterVersion.version).label("version")).group_by(LetterVersion.name).subquery()
    rows = session.execute(
        select(LetterVersion, LibraryBlob.content)
        .join(newest, (newest.c.name == LetterVersion.name) & (newest.c.version == LetterVersion.version))
        .join(LibraryBlob, LibraryBlob.sha256 == LetterVersion.sha256)
        .order_by(LetterVersion.name)
    )
    return [(row, text) for row, text in rows]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


__all__ = [
    "LETTERS_PREFIX",
    "DeployedLetters",
    "LetterFile",
    "deployed_letters",
    "known_letter_texts",
    "letter_name",
    "letter_path",
    "store_letters",
    "stored_letter_texts",
]
