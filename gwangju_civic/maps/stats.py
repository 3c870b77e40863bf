"""Open reports per district and per 10,000 residents: the dashboard's district map and its table."""
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from gwangju_civic.extensions import db
from gwangju_civic.geo.districts import District, districts
from gwangju_civic.models import Submission
from gwangju_civic.submissions.transitions import OPEN_STATUSES


@dataclass(frozen=True)
class DistrictLoad:
    district: District
    open_reports: int
    per_10000: float


def open_per_district(scope: Callable[[Select], Select]) -> tuple[list[DistrictLoad], int]:
    """Every district (zero included) with its open reports, and the open reports that have no district.

    `scope` narrows the count to what the viewer may see (an officer: their department).
    """
    query = scope(select(Submission.district_code, func.count()).select_from(Submission)).where(
        Submission.status.in_(OPEN_STATUSES)
    ).group_by(Submission.district_code)
    counts: dict[str | None, int] = {code: count for code, count in db.session.execute(query).tuples()}
    rows = [DistrictLoad(d, counts.get(d.code, 0), d.per_residents(counts.get(d.code, 0))) for d in districts()]
    return rows, counts.get(None, 0)
