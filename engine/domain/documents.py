"""Documents on disk, content-addressed: root/ab/cd/<sha256>, identical bytes stored once.

Only types whose content we can recognise are accepted, and the content must carry the
signature of the type it claims (a program renamed to .pdf is refused). SVG is never
accepted: it is XML that can carry script, and an office serves documents back to browsers.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from engine.errors import InvalidInput, NotFound

MIB = 1024 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _starts_with(*signatures: bytes) -> Callable[[bytes], bool]:
    return lambda content: content.startswith(signatures)


def _is_html(content: bytes) -> bool:
    # HTML has no magic number: require UTF-8 text (no NUL bytes) that opens with markup.
    if b"\x00" in content:
        return False
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return text.lstrip().startswith("<")


# media type -> (what people call it, how its content is recognised)
SIGNATURES: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    "application/pdf": ("a PDF", _starts_with(b"%PDF-")),
    "image/png": ("a PNG image", _starts_with(b"\x89PNG\r\n\x1a\n")),
    "image/jpeg": ("a JPEG image", _starts_with(b"\xff\xd8\xff")),
    "image/tiff": ("a TIFF image", _starts_with(b"II*\x00", b"MM\x00*")),
    "text/html": ("an HTML document", _is_html),
}
REFUSED = {"image/svg+xml": "SVG images can carry script; send the image as PNG or JPEG"}
DEFAULT_TYPES = frozenset(SIGNATURES)


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    media_type: str
    name: str  # the display name, sanitised


class DocumentStore:
    """Content-addressed files under `root` (settings.instance_path / "documents")."""

    def __init__(self, root: Path, max_bytes: int = 20 * MIB, allowed_types: Iterable[str] = DEFAULT_TYPES):
        allowed = frozenset(media_type.lower() for media_type in allowed_types)
        unknown = sorted(allowed - set(SIGNATURES))
        if unknown:
            raise ValueError(f"no content check for {', '.join(unknown)}; allowed types must be among {sorted(SIGNATURES)}")
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.allowed_types = allowed

    def put(self, content: bytes, media_type: str, name: str) -> StoredBlob:
        """Store `content` once; refuses empty or oversized content, and types it cannot vouch for."""
        media_type = normalise_media_type(media_type)
        self._check(content, media_type)
        sha256 = hashlib.sha256(content).hexdigest()
        target = self.path_for(sha256)
        if not target.is_file():
            _write_atomically(target, content)
        return StoredBlob(sha256=sha256, size=len(content), media_type=media_type, name=display_name(name))

    def open(self, sha256: str) -> bytes:
        """The bytes stored under `sha256`."""
        try:
            return self.path_for(sha256).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"no stored document with hash {sha256}") from None

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def path_for(self, sha256: str) -> Path:
        if not _SHA256.fullmatch(sha256):
            raise InvalidInput("not a document hash", {"sha256": ["Give the 64 lower-case hex digits of a SHA-256."]})
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _check(self, content: bytes, media_type: str) -> None:
        if media_type in REFUSED:
            raise InvalidInput(f"{media_type} is not accepted", {"media_type": [REFUSED[media_type] + "."]})
        if media_type not in self.allowed_types:
            allowed = ", ".join(sorted(self.allowed_types))
            raise InvalidInput(f"{media_type or 'no type'} is not accepted", {"media_type": [f"Send one of {allowed}."]})
        if not content:
            raise InvalidInput("the document is empty", {"content": ["The file has 0 bytes; send the file itself."]})
        if len(content) > self.max_bytes:
            raise InvalidInput(
                "the document is too large",
                {"content": [f"The limit is {_size(self.max_bytes)}; this file has {_size(len(content))}."]},
            )
        label, recognises = SIGNATURES[media_type]
        if not recognises(content):
            raise InvalidInput(
                f"the content is not {label}",
                {"content": [f"The file was sent as {media_type}, but its content does not look like {label}."]},
            )


def normalise_media_type(media_type: str) -> str:
    """'Text/HTML; charset=utf-8' -> 'text/html'."""
    return (media_type or "").split(";", 1)[0].strip().lower()


def display_name(name: str, limit: int = 255) -> str:
    """A file name safe to show and to offer for download: no folders, no control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = " ".join(name.split())  # tabs and line breaks become single spaces
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    if len(name) > limit:
        stem, dot, ext = name.rpartition(".")
        name = stem[: limit - len(ext) - 1] + dot + ext if dot and len(ext) < 16 else name[:limit]
    return name or "document"


def _write_atomically(target: Path, content: bytes) -> None:
    # Readers only ever see a complete file: write a temporary file next to the target, flush
    # it to disk, then rename it into place (atomic on one filesystem). On failure nothing is left.
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _size(n: int) -> str:
    return f"{n / MIB:.1f} MiB ({n:,} bytes)" if n >= MIB else f"{n:,} bytes"
