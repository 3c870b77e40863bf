"""CSV export of any filtered list; contact details go only to admins."""
import csv
import io
from collections.abc import Iterator

from flask import Response, request, stream_with_context
from flask_login import current_user
from sqlalchemy.orm import selectinload

from gwangju_civic.admin import bp
from gwangju_civic.admin.access import staff_required
from gwangju_civic.admin.queries import QueueFilters, filtered, triage_order
from gwangju_civic.extensions import db
from gwangju_civic.models import Submission, utcnow
from gwangju_civic.spreadsheets import safe_cell

COLUMNS = [
    "tracking_code", "created_at", "kind", "status", "title", "description", "language", "address",
    "latitude", "longitude", "category", "department", "plan_priority", "urgency", "due_at",
    "routing_confidence", "routing_outcome", "assignee", "first_response_at", "resolved_at",
]
CONTACT_COLUMNS = ["contact_email", "contact_phone"]


def _code(row) -> str:
    return row.code if row is not None else ""


def _row(s: Submission, with_contacts: bool) -> list:
    values = [
        s.tracking_code, s.created_at.isoformat(), s.kind.value, s.status.value, s.title, s.description,
        s.language, s.address or "", s.latitude if s.latitude is not None else "",
        s.longitude if s.longitude is not None else "", _code(s.category), _code(s.department),
        _code(s.plan_priority), s.urgency.value if s.urgency else "", s.due_at.isoformat() if s.due_at else "",
        "" if s.routing_confidence is None else f"{s.routing_confidence:.3f}", s.routing_outcome or "",
        s.assignee.email if s.assignee else "",
        s.first_response_at.isoformat() if s.first_response_at else "",
        s.resolved_at.isoformat() if s.resolved_at else "",
    ]
    if with_contacts:
        values += [s.contact_email or "", s.contact_phone or ""]
    return values


def csv_lines(filters: QueueFilters, with_contacts: bool) -> Iterator[str]:
    """The header, then one line per submission, streamed in batches so large exports stay small in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS + (CONTACT_COLUMNS if with_contacts else []))
    query = triage_order(filtered(filters)).options(
        selectinload(Submission.category), selectinload(Submission.department),
        selectinload(Submission.plan_priority), selectinload(Submission.assignee),
    ).execution_options(yield_per=500)
    for submission in db.session.scalars(query):
        writer.writerow([safe_cell(value) for value in _row(submission, with_contacts)])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@bp.route("/export.csv")
@staff_required()
def export_csv():
    filters = QueueFilters.from_args(request.args)
    filename = f"gwangju-civic-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(csv_lines(filters, with_contacts=current_user.is_admin)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
