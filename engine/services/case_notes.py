"""Write side of a case file: staff add comments and upload documents."""

from __future__ import annotations

from engine.container import Ipflow
from engine.db.models import Case, CaseComment, Document
from engine.domain.documents import SIGNATURES
from engine.errors import InvalidInput, NotFound
from engine.services.stepping import audit

MAX_COMMENT = 10_000
# What staff may upload: formats whose content we recognise and that never run in a browser.
UPLOAD_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/tiff")


def add_comment(ctx: Ipflow, case_id: int, author: str, body: str) -> int:
    body = (body or "").strip()
    if not body:
        raise InvalidInput("the comment is empty", {"body": ["Write the comment before adding it."]})
    if len(body) > MAX_COMMENT:
        raise InvalidInput("the comment is too long", {"body": [f"A comment holds at most {MAX_COMMENT} characters; this one has {len(body)}."]})
    with ctx.db.transaction() as session:
        case = _case(session, case_id)
        comment = CaseComment(case_id=case.id, author=author, body=body, created_at=ctx.clock.now())
        session.add(comment)
        session.flush()
        audit(session, ctx, "comment_added", author, case.instance_id, data={"comment_id": comment.id})
        return comment.id


def upload_document(ctx: Ipflow, case_id: int, author: str, file_name: str, content: bytes) -> int:
    """Store an uploaded file on the case. Its type is read from its content, not from the name the
    browser sent: a renamed program is refused, and so is anything that could run in a browser."""
    media_type = sniff_upload_type(content)
    with ctx.db.transaction() as session:
        case = _case(session, case_id)
        blob = ctx.documents.put(content, media_type, file_name)
        document = Document(case_id=case.id, kind="upload", name=blob.name, media_type=blob.media_type, size=blob.size,
                            sha256=blob.sha256, created_at=ctx.clock.now(), created_by=author)
        session.add(document)
        session.flush()
        audit(session, ctx, "document_uploaded", author, case.instance_id, data={"document_id": document.id, "name": blob.name})
        return document.id


def sniff_upload_type(content: bytes) -> str:
    if not content:
        raise InvalidInput("the file is empty", {"file": ["Choose a file to upload; this one has 0 bytes."]})
    for media_type in UPLOAD_TYPES:
        if SIGNATURES[media_type][1](content):
            return media_type
    raise InvalidInput("this kind of file is not accepted", {"file": ["Upload a PDF, PNG, JPEG or TIFF file."]})


def _case(session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id} does not exist")
    return case
