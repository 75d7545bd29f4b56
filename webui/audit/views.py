"""The audit log page and its CSV export (managers and admins)."""

from __future__ import annotations

from flask import render_template, request

from engine.errors import InvalidInput
from engine.services.audit_log import AuditQuery, audit_page, audit_rows
from webui.audit import bp
from webui.csv_export import csv_response
from webui.navigation import ipflow
from webui.security import roles_required

AUDITORS = ("manager", "admin")
CSV_HEADER = ("id", "at (UTC)", "activity", "kind", "who", "case", "element", "details")


@bp.get("")
@roles_required(*AUDITORS)
def log():
    try:
        query = AuditQuery.from_args(request.args)
    except InvalidInput as exc:
        return render_template("audit/log.html", page=None, args=request.args, errors=exc.fields or {"case": [str(exc)]}), 400
    return render_template("audit/log.html", page=audit_page(ipflow(), query), args=request.args, errors={})


@bp.get("/export.csv")
@roles_required(*AUDITORS)
def export():
    query = AuditQuery.from_args(request.args)  # a bad filter answers 400 through the error handler
    rows = ((r.id, r.at.isoformat(), r.label, r.kind, r.actor, r.case_number or "", r.element_id or "", r.details)
            for r in audit_rows(ipflow(), query))  # fmt: skip
    return csv_response("audit-log.csv", CSV_HEADER, rows)
