"""An application's documents for integrators, found by the application number: list them, fetch
one, attach a new one (the same content checks as a clerk's upload)."""

from __future__ import annotations

from sqlalchemy import select

from engine.container import Ipflow
from engine.db.models import Document
from engine.errors import NotFound
from engine.services.application_status import case_id_for_number
from engine.services.case_file import case_document
from engine.services.case_notes import upload_document
from engine.services.cases import DocumentView, view_of

MAX_ID = 2**31 - 1  # document ids are 32-bit; a larger one names no document


def application_documents(ctx: Ipflow, number: str) -> tuple[DocumentView, ...]:
    """The application's documents, oldest first: letters, certificates, uploads."""
    case_id = case_id_for_number(ctx, number)
    with ctx.db.reading() as session:
        rows = session.scalars(select(Document).where(Document.case_id == case_id).order_by(Document.created_at, Document.id))
        return tuple(view_of(DocumentView, row) for row in rows)


def application_document(ctx: Ipflow, number: str, document_id: int) -> tuple[DocumentView, bytes]:
    """One document of the application and its bytes; a document of another application is not found."""
    case_id = case_id_for_number(ctx, number)
    if not 0 < document_id <= MAX_ID:
        raise NotFound(f"application {number!r} has no document {document_id}")
    try:
        return case_document(ctx, case_id, document_id)
    except NotFound:
        raise NotFound(f"application {number!r} has no document {document_id}; list its documents for their ids") from None


def attach_document(ctx: Ipflow, number: str, author: str, file_name: str, content: bytes) -> DocumentView:
    """Store a file on the application (PDF, PNG, JPEG or TIFF, recognised by its content)."""
    case_id = case_id_for_number(ctx, number)
    document_id = upload_document(ctx, case_id, author, file_name or "document", content)
    with ctx.db.reading() as session:
        return view_of(DocumentView, session.get(Document, document_id))
