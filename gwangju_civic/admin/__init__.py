"""The staff side under /admin: triage queue, submission detail, dashboard, export, router."""
from flask import Blueprint

from gwangju_civic.models import utcnow

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.context_processor
def inject_now() -> dict:
    """Due and overdue badges compare against one clock per page."""
    return {"now": utcnow()}


from gwangju_civic.admin import dashboard, detail, export, moderation, names, queue, router_admin  # noqa: E402,F401
