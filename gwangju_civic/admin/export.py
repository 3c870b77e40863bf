"""CSV export of any filtered list; contact details go only to admins."""
import csv
import io
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from flask import Response, request, stream_with_context
from flask_babel import LazyString, to_user_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from gwangju_civic.admin import bp
from gwangju_civic.admin.access import staff_required
from gwangju_civic.admin.names import OUTCOME_LABELS, value_name
from gwangju_civic.admin.queries import QueueFilters, filtered, triage_order
from gwangju_civic.extensions import db
from gwangju_civic.geo.districts import district_name
from gwangju_civic.i18n import current_language
from gwangju_civic.labels import KIND_LABELS, STATUS_LABELS, URGENCY_LABELS
from gwangju_civic.models import Submission, utcnow
from gwangju_civic.spreadsheets import BOM, safe_cell

# (header, value) per column: headers in the staff member's language, names instead of codes, Korea time.
COLUMNS: list[tuple[LazyString, Callable[[Submission], Any]]] = [
    (_l("Tracking code"), lambda s: s.tracking_code),
    (_l("Received"), lambda s: _moment(s.created_at)),
    (_l("Type"), lambda s: KIND_LABELS[s.kind]),
    (_l("Status"), lambda s: STATUS_LABELS[s.status]),
    (_l("Title"), lambda s: s.title),
    (_l("Description"), lambda s: s.description),
    (_l("Language"), lambda s: s.language),
    (_l("Place"), lambda s: s.address or ""),
    (_l("Latitude"), lambda s: "" if s.latitude is None else s.latitude),
    (_l("Longitude"), lambda s: "" if s.longitude is None else s.longitude),
    (_l("District"), lambda s: district_name(s.district_code, current_language()) if s.district_code else ""),
    (_l("Category"), lambda s: value_name("category", s.category.code) if s.category else ""),
    (_l("Department"), lambda s: value_name("department", s.department.code) if s.department else ""),
    (_l("Plan priority"), lambda s: value_name("plan_priority", s.plan_priority.code) if s.plan_priority else ""),
    (_l("Urgency"), lambda s: URGENCY_LABELS[s.urgency] if s.urgency else ""),
    (_l("Due"), lambda s: _moment(s.due_at)),
    (_l("Router confidence"), lambda s: "" if s.routing_confidence is None else f"{s.routing_confidence:.3f}"),
    (_l("Routing"), lambda s: OUTCOME_LABELS.get(s.routing_outcome or "", s.routing_outcome or "")),
    (_l("Assignee"), lambda s: s.assignee.email if s.assignee else ""),
    (_l("First response"), lambda s: _moment(s.first_response_at)),
    (_l("Resolved"), lambda s: _moment(s.resolved_at)),
]
CONTACT_COLUMNS: list[tuple[LazyString, Callable[[Submission], Any]]] = [
    (_l("Contact e-mail"), lambda s: s.contact_email or ""),
    (_l("Contact phone"), lambda s: s.contact_phone or ""),
]


def _moment(value: datetime | None) -> str:
    """ISO 8601 in Korea time with its offset, which spreadsheets read as a date."""
    return to_user_timezone(value).isoformat(timespec="seconds") if value else ""


def csv_lines(filters: QueueFilters, with_contacts: bool) -> Iterator[str]:
    """A BOM (so Korean Excel and Hancell read UTF-8), the header, then one line per submission, streamed in batches
    so large exports stay small in memory."""
    columns = COLUMNS + (CONTACT_COLUMNS if with_contacts else [])
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow([str(header) for header, _value in columns])
    query = triage_order(filtered(filters)).options(
        selectinload(Submission.category), selectinload(Submission.department),
        selectinload(Submission.plan_priority), selectinload(Submission.assignee),
    ).execution_options(yield_per=500)
    for submission in db.session.scalars(query):
        values = [value(submission) for _header, value in columns]
        writer.writerow([safe_cell(v if isinstance(v, float) else str(v)) for v in values])
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
