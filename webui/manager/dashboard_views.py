"""The dashboard page and each of its tables as CSV, with the same filters (a GET form)."""

from __future__ import annotations

from flask import render_template, request

from engine.errors import InvalidInput
from engine.services.dashboard import dashboard as read_dashboard
from engine.services.dashboard import dashboard_query, dashboard_table, dashboard_tables
from engine.services.inbox_query import RIGHT_TYPES
from webui.csv_export import csv_response
from webui.manager import bp
from webui.manager.dashboard_charts import chart_data
from webui.navigation import ipflow
from webui.security import MANAGERS, roles_required


@bp.get("/dashboard")
@roles_required(*MANAGERS)
def dashboard():
    try:
        query = dashboard_query(ipflow(), request.args)
    except InvalidInput as exc:
        form = {key: request.args.get(key, "") for key in ("date_from", "date_to", "right_type")}
        return render_template("manager/dashboard.html", board=None, form=form, errors=exc.fields, right_types=RIGHT_TYPES), 422
    board = read_dashboard(ipflow(), query)
    form = {"date_from": query.date_from.isoformat(), "date_to": query.date_to.isoformat(), "right_type": query.right_type or ""}
    return render_template(
        "manager/dashboard.html",
        board=board,
        tables=dashboard_tables(board),
        charts=chart_data(board),
        form=form,
        filters={k: v for k, v in form.items() if v},
        errors={},
        right_types=RIGHT_TYPES,
    )


@bp.get("/dashboard/<table>.csv")
@roles_required(*MANAGERS)
def dashboard_csv(table: str):
    query = dashboard_query(ipflow(), request.args)  # a bad filter is a 400 naming the field
    found = dashboard_table(ipflow(), query, table)
    kind = f"-{query.right_type}" if query.right_type else ""
    name = f"dashboard-{found.name}-{query.date_from.isoformat()}-{query.date_to.isoformat()}{kind}.csv"
    return csv_response(name, found.columns, found.records)
