"""The filtered, ordered submission lists behind the triage queue and the CSV export."""
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, case, or_, select
from werkzeug.datastructures import MultiDict

from gwangju_civic.admin.access import scoped
from gwangju_civic.models import (
    Category,
    Department,
    PlanPriority,
    Status,
    Submission,
    SubmissionKind,
    Urgency,
)
from gwangju_civic.submissions.workflow import OPEN_STATUSES

FIRST_IN_QUEUE = (Status.NEW, Status.NEEDS_TRIAGE)


@dataclass(frozen=True)
class QueueFilters:
    """What staff can filter on; unknown or malformed values are dropped, never an error."""

    status: str = "open"
    department: str = ""
    category: str = ""
    urgency: str = ""
    plan_priority: str = ""
    kind: str = ""
    district: str = ""
    date_from: str = ""
    date_to: str = ""
    q: str = ""
    sort: str = ""  # "" triage order; "supporters": most "me too" first

    @classmethod
    def from_args(cls, args: MultiDict) -> "QueueFilters":
        return cls(**{f.name: str(args.get(f.name) or f.default).strip() for f in fields(cls)})

    def as_args(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != f.default}


def _day(value: str) -> datetime | None:
    try:
        return datetime.combine(date.fromisoformat(value), time.min, tzinfo=UTC)
    except ValueError:
        return None


def filtered(filters: QueueFilters, user=None) -> Select[tuple[Submission]]:
    """Submissions the user may see, narrowed by the filters; not yet ordered."""
    query = scoped(select(Submission), user)
    if filters.status == "open":
        query = query.where(Submission.status.in_(OPEN_STATUSES))
    elif filters.status in Status.__members__.values():
        query = query.where(Submission.status == Status(filters.status))
    for column, model, code in (
        (Submission.department_id, Department, filters.department),
        (Submission.category_id, Category, filters.category),
        (Submission.plan_priority_id, PlanPriority, filters.plan_priority),
    ):
        if code:
            query = query.where(column == select(model.id).where(model.code == code).scalar_subquery())
    if filters.urgency in Urgency.__members__.values():
        query = query.where(Submission.urgency == Urgency(filters.urgency))
    if filters.kind in SubmissionKind.__members__.values():
        query = query.where(Submission.kind == SubmissionKind(filters.kind))
    if filters.district:
        query = query.where(Submission.district_code == filters.district)
    if start := _day(filters.date_from):
        query = query.where(Submission.created_at >= start)
    if end := _day(filters.date_to):
        query = query.where(Submission.created_at < end + timedelta(days=1))
    if filters.q:
        pattern = f"%{filters.q}%"
        query = query.where(or_(Submission.title.ilike(pattern), Submission.description.ilike(pattern),
                                Submission.tracking_code == filters.q.upper()))
    return query


def triage_order(query: Select) -> Select:
    """Needs-triage first (least confident first), then by urgency, then oldest first."""
    waiting = Submission.status.in_(FIRST_IN_QUEUE)
    return query.order_by(
        case((waiting, 0), else_=1),
        case((waiting, Submission.routing_confidence), else_=None).asc().nulls_first(),
        Submission.urgency.asc().nulls_last(),
        Submission.created_at.asc(),
        Submission.id.asc(),
    )


def queue_order(query: Select, sort: str) -> Select:
    """The order staff picked: most supported first (then triage order), or the triage order."""
    if sort == "supporters":
        query = query.order_by(Submission.supporter_count.desc())
    return triage_order(query)
