"""The triage queue: what needs a decision first, filterable and paginated."""
from flask import current_app, redirect, render_template, request, url_for
from sqlalchemy.orm import selectinload

from gwangju_civic.admin import bp, lookups
from gwangju_civic.admin.access import staff_required
from gwangju_civic.admin.queries import QueueFilters, filtered, queue_order
from gwangju_civic.extensions import db
from gwangju_civic.geo.districts import districts
from gwangju_civic.models import Status, Submission, SubmissionKind, Urgency


@bp.route("/")
@staff_required()
def index():
    return redirect(url_for("admin.queue"))


@bp.route("/queue")
@staff_required()
def queue():
    filters = QueueFilters.from_args(request.args)
    query = queue_order(filtered(filters), filters.sort).options(
        selectinload(Submission.category), selectinload(Submission.department),
        selectinload(Submission.assignee),
    )
    page = db.paginate(query, per_page=current_app.config["ADMIN_PAGE_SIZE"], error_out=False)
    return render_template(
        "admin/queue.html",
        page=page,
        filters=filters,
        departments=lookups.departments(),
        categories=lookups.categories(),
        plan_priorities=lookups.plan_priorities(),
        statuses=list(Status),
        urgencies=list(Urgency),
        kinds=list(SubmissionKind),
        districts=districts(),
    )
