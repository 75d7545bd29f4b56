"""(placeholder until case search lands)"""

from webui.cases import bp
from webui.security import STAFF, roles_required


@bp.get("/search")
@roles_required(*STAFF)
def search():
    return "search"
