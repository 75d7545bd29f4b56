"""/applications: file trademark, patent and design applications; read an application's status,
history and documents by its number; attach documents to it."""

from __future__ import annotations

import io
from collections.abc import Callable

from flask import request, send_file, url_for

from engine.services.application_documents import application_document, application_documents, attach_document
from engine.services.application_status import application_history, application_status
from engine.services.filing import FILED_STATUS, file_application_once
from engine.services.idempotency import IdempotencyKey, request_fingerprint
from webui.api.application_schemas import (
    FILING_BODIES,
    ApplicationDocumentSchema,
    ApplicationStatusSchema,
    DocumentUploadSchema,
    FilingReceiptSchema,
    HistoryPageSchema,
    HistoryQuerySchema,
    IdempotencyHeaderSchema,
)
from webui.api.auth import FILERS, READERS, ApiBlueprint, principal
from webui.api.problems import PROBLEM_TYPE, ProblemSchema
from webui.navigation import ipflow

bp = ApiBlueprint(
    "api_applications",
    __name__,
    url_prefix="/api/v1/applications",
    description="File applications, follow their status and history, fetch and attach their documents",
)

REPLAYED = "Idempotent-Replayed"
DOWNLOAD_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/tiff", "text/html")
LOCATION = {"Location": {"description": "The URL of the new resource", "schema": {"type": "string", "format": "uri"}}}
NOT_FOUND = "No application has this number (or it has no such document)"
TOO_LARGE = "The request is larger than 20 MiB"
FILING_REFUSED = (
    "The application has errors (errors names each field by its path), or the Idempotency-Key was used for a different request"
)
REPLAYED_DOC = {
    "description": "true when this is the answer recorded for an earlier request with the same Idempotency-Key: nothing new was filed",
    "schema": {"type": "string", "enum": ["true"]},
}


def _problem(status: int, description: str) -> Callable:
    return bp.alt_response(status, schema=ProblemSchema, content_type=PROBLEM_TYPE, description=description)


def _filing(right_type: str) -> Callable:
    """The documentation every filing operation shares; the body is the right type's case schema."""
    body = {"required": True, "content": {"application/json": {"schema": FILING_BODIES[right_type]}}}
    headers = {**LOCATION, REPLAYED: REPLAYED_DOC}

    def decorate(view: Callable) -> Callable:
        view = bp.doc(requestBody=body)(view)
        view = bp.response(FILED_STATUS, FilingReceiptSchema, headers=headers, description="Filed and numbered")(view)
        view = _problem(404, "The office has not deployed the process of this right type")(view)
        view = _problem(413, TOO_LARGE)(view)
        return _problem(422, FILING_REFUSED)(view)

    return decorate


@bp.route("/trademarks", methods=["POST"])
@bp.roles(*FILERS)
@bp.arguments(IdempotencyHeaderSchema, location="headers")
@_filing("trademark")
def file_trademark(headers: dict):
    """File a trademark application

    Creates the case, gives it its application number and starts its process. Answers with the
    number, the fees to pay and the URL to follow its status."""
    return _file("trademark", headers)


@bp.route("/patents", methods=["POST"])
@bp.roles(*FILERS)
@bp.arguments(IdempotencyHeaderSchema, location="headers")
@_filing("patent")
def file_patent(headers: dict):
    """File a patent application

    Creates the case, gives it its application number and starts its process. Answers with the
    number, the fees to pay and the URL to follow its status."""
    return _file("patent", headers)


@bp.route("/designs", methods=["POST"])
@bp.roles(*FILERS)
@bp.arguments(IdempotencyHeaderSchema, location="headers")
@_filing("design")
def file_design(headers: dict):
    """File an industrial design application

    Creates the case, gives it its application number and starts its process. Answers with the
    number, the fees to pay and the URL to follow its status."""
    return _file("design", headers)


def _file(right_type: str, headers: dict):
    body = request.get_json(silent=True)
    key = headers.get("idempotency_key")
    caller = principal()
    once = IdempotencyKey(caller.token_id, key, request_fingerprint(request.method, request.path, body)) if key else None
    receipt = file_application_once(ipflow(), right_type, body, caller.username, once)
    sent = {REPLAYED: "true"} if receipt.replayed else {}
    if receipt.application_number:
        sent["Location"] = url_for("api_applications.show", number=receipt.application_number, _external=True)
    return receipt, FILED_STATUS, sent


@bp.route("/<string:number>", methods=["GET"])
@bp.roles(*READERS)
@bp.response(200, ApplicationStatusSchema)
@_problem(404, NOT_FOUND)
def show(number: str):
    """An application's status, parties, fees, payments, time limits, publication and register entry

    The number is matched ignoring spaces, dashes, dots, slashes and case."""
    return application_status(ipflow(), number)


@bp.route("/<string:number>/history", methods=["GET"])
@bp.roles(*READERS)
@bp.arguments(HistoryQuerySchema, location="query")
@bp.response(200, HistoryPageSchema)
@_problem(404, NOT_FOUND)
def history(query: dict, number: str):
    """What people, integrations and the engine did on an application, oldest first, a page at a time"""
    return application_history(ipflow(), number, query["limit"], query["offset"])


@bp.route("/<string:number>/documents", methods=["GET"])
@bp.roles(*READERS)
@bp.response(200, ApplicationDocumentSchema(many=True))
@_problem(404, NOT_FOUND)
def documents(number: str):
    """The documents of an application: letters, certificates and uploaded files, oldest first"""
    return list(application_documents(ipflow(), number))


@bp.route("/<string:number>/documents", methods=["POST"])
@bp.roles(*FILERS)
@bp.arguments(DocumentUploadSchema, location="files")
@bp.response(201, ApplicationDocumentSchema, headers=LOCATION, description="Attached")
@_problem(404, NOT_FOUND)
@_problem(413, TOO_LARGE)
def attach(files: dict, number: str):
    """Attach a document to an application (multipart/form-data, part `file`)

    PDF, PNG, JPEG or TIFF, recognised by the content and not by the file name; at most 20 MiB."""
    sent = files["file"]
    view = attach_document(ipflow(), number, principal().username, sent.filename or "", sent.read())
    where = url_for("api_applications.document", number=number, document_id=view.id, _external=True)
    return view, 201, {"Location": where}


@bp.route("/<string:number>/documents/<int:document_id>", methods=["GET"])
@bp.roles(*READERS)
@bp.doc(
    responses={
        "200": {
            "description": "The document's bytes, as an attachment with its media type",
            "content": {media: {"schema": {"type": "string", "format": "binary"}} for media in DOWNLOAD_TYPES},
        }
    }
)
@_problem(404, NOT_FOUND)
def document(number: str, document_id: int):
    """Download one document of an application"""
    view, content = application_document(ipflow(), number, document_id)
    response = send_file(io.BytesIO(content), mimetype=view.media_type, as_attachment=True, download_name=view.name)
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
