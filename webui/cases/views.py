"""(placeholder until the case file lands)"""

from webui.cases import bp
from webui.security import STAFF, roles_required


@bp.get("/<int:case_id>")
@roles_required(*STAFF)
def case_file(case_id: int):
    return f"case {case_id}"
