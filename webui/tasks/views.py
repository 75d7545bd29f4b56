"""(placeholder until the task page lands)"""

from webui.security import STAFF, roles_required
from webui.tasks import bp


@bp.get("/<task_id>")
@roles_required(*STAFF)
def task_page(task_id: str):
    return f"task {task_id}"
