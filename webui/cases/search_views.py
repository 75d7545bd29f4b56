"""Case search, and the top bar's jump to a case by its application number."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for

from engine.errors import InvalidInput
from engine.services.case_query import CaseQuery
from engine.services.case_search import case_statuses, search_cases
from webui.cases import bp
from webui.security import STAFF, roles_required


@bp.get("/search")
@roles_required(*STAFF)
def search():
    """The search form and a page of results; a number alone that names one case goes to it."""
    ctx = current_app.extensions["ipflow"]
    values = {name: value.strip() for name, value in request.args.items()}
    try:
        query = CaseQuery.from_args(request.args)
    except InvalidInput as exc:
        page = render_template("cases/search.html", values=values, errors=exc.fields, result=None, statuses=case_statuses(ctx))
        return page, 400
    result = search_cases(ctx, query)
    if result.exact_match is not None:
        return redirect(url_for("cases.case_file", case_id=result.exact_match))
    return render_template("cases/search.html", values=values, errors={}, result=result, statuses=result.statuses)
