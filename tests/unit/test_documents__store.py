"""Documents are stored once per content, only when their content is what they claim to be,
and never half-written."""

from __future__ import annotations

import hashlib
import os

import pytest

from engine.domain import documents
from engine.domain.documents import MIB, DocumentStore, display_name
from engine.errors import InvalidInput, NotFound

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(13)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48)


@pytest.fixture
def store(tmp_path) -> DocumentStore:
    return DocumentStore(tmp_path / "documents")


def files_under(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_content_is_stored_under_its_hash_and_read_back(store):
    blob = store.put(PDF, "application/pdf", "receipt.pdf")
    digest = hashlib.sha256(PDF).hexdigest()
    assert (blob.sha256, blob.size, blob.media_type, blob.name) == (digest, len(PDF), "application/pdf", "receipt.pdf")
    assert files_under(store.root) == [f"{digest[:2]}/{digest[2:4]}/{digest}"]
    assert store.open(digest) == PDF


def test_identical_content_is_stored_once(store):
    first = store.put(PDF, "application/pdf", "a.pdf")
    second = store.put(PDF, "Application/PDF; charset=binary", "copy of a.pdf")
    assert first.sha256 == second.sha256
    assert second.media_type == "application/pdf"
    assert len(files_under(store.root)) == 1
    store.put(PNG, "image/png", "mark.png")
    assert len(files_under(store.root)) == 2


def test_content_over_the_limit_is_refused_with_the_limit_and_the_size(tmp_path):
    store = DocumentStore(tmp_path, max_bytes=1 * MIB)
    store.put(PDF + bytes(MIB - len(PDF)), "application/pdf", "exactly-the-limit.pdf")
    with pytest.raises(InvalidInput) as refused:
        store.put(PDF + bytes(2 * MIB), "application/pdf", "big.pdf")
    message = refused.value.fields["content"][0]
    assert "1.0 MiB (1,048,576 bytes)" in message
    assert f"{len(PDF) + 2 * MIB:,} bytes" in message
    assert len(files_under(tmp_path)) == 1


def test_empty_content_is_refused(store):
    with pytest.raises(InvalidInput, match="empty"):
        store.put(b"", "application/pdf", "nothing.pdf")


def test_a_type_that_is_not_accepted_is_refused_and_the_accepted_ones_are_named(store):
    with pytest.raises(InvalidInput) as refused:
        store.put(b"PK\x03\x04", "application/zip", "evidence.zip")
    assert "application/pdf" in refused.value.fields["media_type"][0]
    assert files_under(store.root) == []


def test_svg_is_refused_because_it_can_carry_script(store):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(InvalidInput) as refused:
        store.put(svg, "image/svg+xml", "mark.svg")
    assert "script" in refused.value.fields["media_type"][0]
    with pytest.raises(ValueError, match="image/svg\\+xml"):
        DocumentStore(store.root, allowed_types={"image/png", "image/svg+xml"})
    assert files_under(store.root) == []


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        (EXE, "application/pdf"),  # a program renamed .pdf
        (PDF, "image/png"),
        (PNG, "image/jpeg"),
        (b"\x00\x01binary", "text/html"),
        (b"plain words, no markup", "text/html"),
    ],
)
def test_content_that_does_not_match_its_declared_type_is_refused(store, content, media_type):
    with pytest.raises(InvalidInput, match="the content is not") as refused:
        store.put(content, media_type, "invoice.pdf")
    assert media_type in refused.value.fields["content"][0]
    assert files_under(store.root) == []


def test_letters_in_html_are_accepted(store):
    letter = "\ufeff<!DOCTYPE html><p>Dear applicant, your fee is due on 2 April 2026.</p>".encode()
    assert store.open(store.put(letter, "text/html; charset=utf-8", "letter.html").sha256) == letter


def test_a_failed_write_leaves_neither_the_file_nor_a_temporary_one(store, monkeypatch):
    def disk_fails(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(documents.os, "replace", disk_fails)
    with pytest.raises(OSError, match="No space left"):
        store.put(PDF, "application/pdf", "receipt.pdf")
    monkeypatch.undo()
    assert files_under(store.root) == []
    assert not store.exists(hashlib.sha256(PDF).hexdigest())
    # the next attempt writes it properly
    blob = store.put(PDF, "application/pdf", "receipt.pdf")
    assert store.open(blob.sha256) == PDF


def test_only_complete_files_appear_under_the_hash(store, monkeypatch):
    seen_during_write = []
    real_replace = os.replace

    def watch(src, dst):
        seen_during_write.append((os.path.basename(src).startswith(".incoming-"), os.path.exists(dst), os.path.getsize(src)))
        real_replace(src, dst)

    monkeypatch.setattr(documents.os, "replace", watch)
    store.put(PDF, "application/pdf", "receipt.pdf")
    assert seen_during_write == [(True, False, len(PDF))]


def test_open_refuses_anything_but_a_hash_and_reports_a_missing_one(store):
    with pytest.raises(InvalidInput):
        store.open("../../etc/passwd")
    with pytest.raises(NotFound):
        store.open("0" * 64)


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\Desktop\\mark.png", "mark.png"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override hid the real extension
        ("  two\tspaces\n.pdf ", "two spaces .pdf"),
        (".htaccess", "htaccess"),
        ("", "document"),
        ("/", "document"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ],
)
def test_names_are_sanitised_for_display(given, shown):
    assert display_name(given) == shown
