"""(placeholder until the inbox lands)"""

from webui.inbox import bp
from webui.security import STAFF, roles_required


@bp.get("")
@roles_required(*STAFF)
def index():
    return "inbox"
