"""Auto-routing's live precision, from staff verdicts in the database: the same answer in every process."""
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import case, func, select

from gwangju_civic.extensions import db
from gwangju_civic.models import Department, RoutingLabel, Submission, utcnow

if TYPE_CHECKING:
    from gwangju_civic.routing.router import Routing

Z_95 = 1.959964


@dataclass(frozen=True)
class Precision:
    """Right verdicts out of all verdicts, with a 95% Wilson interval; `paused` when the rule says so."""

    labels: int
    correct: int
    low: float
    high: float
    paused: bool

    @property
    def value(self) -> float | None:
        return self.correct / self.labels if self.labels else None


def wilson(correct: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion: sound for small counts and for 0% or 100%."""
    if total == 0:
        return 0.0, 1.0
    share = correct / total
    centre = (share + z * z / (2 * total)) / (1 + z * z / total)
    spread = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - spread), min(1.0, centre + spread)


def _rule() -> tuple[float, int, int]:
    config = current_app.config
    return (float(config.get("ROUTER_PAUSE_PRECISION", 0.9)), int(config.get("ROUTER_PAUSE_MIN_LABELS", 20)),
            int(config.get("ROUTER_PRECISION_DAYS", 30)))


def _precision(labels: int, correct: int) -> Precision:
    floor, minimum, _ = _rule()
    paused = labels >= minimum and correct < floor * labels
    return Precision(labels, correct, *wilson(correct, labels), paused=paused)


def _counts():
    since = utcnow() - timedelta(days=_rule()[2])
    query = select(func.count(), func.coalesce(func.sum(case((RoutingLabel.correct.is_(True), 1), else_=0)), 0))
    return query.where(RoutingLabel.decided_at >= since), since


def for_department(department_id: int) -> Precision:
    """One department's window: a range read of one index, cheap enough for every routing."""
    query, _ = _counts()
    labels, correct = db.session.execute(query.where(RoutingLabel.department_id == department_id)).one()
    return _precision(int(labels), int(correct))


def overview() -> tuple[Precision, dict[str, Precision]]:
    """Overall and per-department precision over the window (department code -> figures), for the router page."""
    query, since = _counts()
    per_department = {}
    rows = db.session.execute(query.add_columns(Department.code).join(Department, RoutingLabel.department_id ==
                                                                      Department.id).group_by(Department.code))
    for labels, correct, code in rows:
        per_department[code] = _precision(int(labels), int(correct))
    labels = sum(p.labels for p in per_department.values())
    correct = sum(p.correct for p in per_department.values())
    overall = Precision(labels, correct, *wilson(correct, labels), paused=False)
    return overall, dict(sorted(per_department.items()))


def pause_reason(department_code: str, precision: Precision) -> str:
    """What staff read on a submission held back by a pause (kept in English, like the other router notes)."""
    floor, _, days = _rule()
    return (f"auto-routing to {department_code} is paused: staff found {precision.correct} of its last "
            f"{precision.labels} confident routings right over {days} days ({precision.value:.0%}, 95% CI "
            f"{precision.low:.0%}–{precision.high:.0%}), under {floor:.0%}; a person routes this one")


def hold_back_reason(submission: Submission, department: Department, routing: "Routing") -> str | None:
    """Keep a confident routing as a label for staff to judge; the reason to triage it if its department is paused."""
    db.session.add(RoutingLabel(submission_id=submission.id, department_id=department.id,
                                model_version=routing.model_version, confidence=routing.confidence))
    state = for_department(department.id)
    return pause_reason(department.code, state) if state.paused else None
