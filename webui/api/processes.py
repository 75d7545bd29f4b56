"""/processes: the deployed process definitions, their versions, and one version's files."""

from __future__ import annotations

import re

from engine.errors import NotFound
from engine.services.library_view import library_overview
from engine.services.process_versions import version_detail
from webui.api.auth import LIBRARY_READERS, ApiBlueprint
from webui.api.problems import PROBLEM_TYPE, ProblemSchema
from webui.api.processes_schemas import ProcessListSchema, VersionDetailSchema
from webui.api.text_rules import PROCESS_ID
from webui.navigation import ipflow

bp = ApiBlueprint("api_processes", __name__, url_prefix="/api/v1/processes", description="Process definitions and their versions")


@bp.route("", methods=["GET"])
@bp.roles(*LIBRARY_READERS)
@bp.response(200, ProcessListSchema)
def index():
    """Every deployed process: its right type, newest version, and each version with its instances"""
    return library_overview(ipflow())


@bp.route("/<process_id>/versions/<int(min=1, max=2147483647):number>", methods=["GET"])
@bp.roles(*LIBRARY_READERS)
@bp.response(200, VersionDetailSchema)
@bp.alt_response(404, schema=ProblemSchema, content_type=PROBLEM_TYPE, description="No such process, or no such version of it")
def version(process_id: str, number: int):
    """One deployed version of a process: its hash, who deployed it, and its files with their hashes"""
    if not re.fullmatch(PROCESS_ID, process_id):
        raise NotFound(f"there is no process {process_id[:80]!r}; process ids are like trademark or collect_fee")
    return version_detail(ipflow(), process_id, number)
