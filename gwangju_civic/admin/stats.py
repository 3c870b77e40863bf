"""Dashboard figures, computed in the database and scoped to what the user may see."""
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from gwangju_civic.admin.access import scoped
from gwangju_civic.extensions import db
from gwangju_civic.models import Department, PlanPriority, Status, Submission, utcnow

NOT_BACKLOG = (Status.REJECTED, Status.DUPLICATE)
RESPONSE_WINDOW_DAYS = 90


@dataclass
class Breakdown:
    """Counts of visible submissions by status, urgency, department and plan priority, and routing outcomes."""

    by_status: Counter = field(default_factory=Counter)
    by_urgency: Counter = field(default_factory=Counter)
    by_department: Counter = field(default_factory=Counter)
    by_priority: Counter = field(default_factory=Counter)
    agreement: dict[str, dict[str, int]] = field(default_factory=dict)


def _codes(model: type[Department] | type[PlanPriority]) -> dict[int, str]:
    return {row.id: row.code for row in db.session.execute(select(model.id, model.code))}


def breakdown() -> Breakdown:
    """Every count the dashboard shows, from one grouped scan instead of one scan per chart."""
    keys = (Submission.status, Submission.urgency, Submission.department_id, Submission.plan_priority_id,
            Submission.routing_outcome)
    query = scoped(select(*keys, func.count()).select_from(Submission)).group_by(*keys)
    departments = _codes(Department)
    priorities = _codes(PlanPriority)
    result = Breakdown()
    for status, urgency, department_id, priority_id, outcome, count in db.session.execute(query):
        result.by_status[status] += count
        result.by_urgency[urgency] += count
        if department_id is not None:
            result.by_department[departments[department_id]] += count
        if priority_id is not None:
            result.by_priority[priorities[priority_id]] += count
        if outcome is not None and department_id is not None:
            counts = result.agreement.setdefault(departments[department_id], {"accepted": 0, "corrected": 0})
            counts[outcome] += count
    return result


def _per_day(column, start: datetime) -> dict[date, int]:
    day = func.date(column)
    query = scoped(select(day, func.count()).select_from(Submission)).where(
        column >= start, Submission.status.not_in(NOT_BACKLOG)
    ).group_by(day)
    return {date.fromisoformat(str(d)) if not isinstance(d, date) else d: n for d, n in db.session.execute(query)}


def backlog(days: int = 30) -> list[tuple[date, int]]:
    """Open submissions at the end of each of the last `days` days (opened minus resolved, cumulated)."""
    first_day = utcnow().date() - timedelta(days=days - 1)
    start = datetime.combine(first_day, time.min, tzinfo=UTC)
    before = scoped(select(func.count()).select_from(Submission)).where(
        Submission.created_at < start,
        Submission.status.not_in(NOT_BACKLOG),
        (Submission.resolved_at.is_(None)) | (Submission.resolved_at >= start),
    )
    open_count = db.session.scalar(before) or 0
    opened, resolved = _per_day(Submission.created_at, start), _per_day(Submission.resolved_at, start)
    series = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        open_count += opened.get(day, 0) - resolved.get(day, 0)
        series.append((day, open_count))
    return series


@dataclass(frozen=True)
class DepartmentTimes:
    department: str
    first_response_hours: float | None
    resolution_hours: float | None


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 3600


def response_times(days: int = RESPONSE_WINDOW_DAYS) -> list[DepartmentTimes]:
    """Median hours to first response and to resolution per department, over submissions of the last `days`."""
    since = utcnow() - timedelta(days=days)
    columns = (Submission.first_response_at, Submission.resolved_at)
    query = scoped(select(Department.code, Submission.created_at, *columns).join(
        Department, Submission.department_id == Department.id)).where(Submission.created_at >= since)
    if db.engine.dialect.name == "postgresql":
        medians = [
            func.percentile_cont(0.5).within_group(func.extract("epoch", column - Submission.created_at))
            for column in columns
        ]
        query = scoped(select(Department.code, *medians).join(Department, Submission.department_id == Department.id))
        query = query.where(Submission.created_at >= since).group_by(Department.code)
        return [DepartmentTimes(code, _hours(first), _hours(resolved))
                for code, first, resolved in sorted(db.session.execute(query))]
    durations: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    for code, created, first, resolved in db.session.execute(query):
        for values, ended in zip(durations[code], (first, resolved), strict=True):
            if ended is not None:
                values.append((ended - created).total_seconds())
    return [
        DepartmentTimes(code, *(_hours(statistics.median(v)) if v else None for v in durations[code]))
        for code in sorted(durations)
    ]


def dashboard_figures() -> dict:
    counts = breakdown()
    return {
        "by_status": counts.by_status,
        "by_urgency": counts.by_urgency,
        "by_department": counts.by_department,
        "by_priority": counts.by_priority,
        "agreement": counts.agreement,
        "backlog": backlog(),
        "response_times": response_times(),
    }
