"""A report that arrives with its category chosen (an Open311 service): kept, unless the router strongly disagrees."""
from typing import TYPE_CHECKING

from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Department, PlanPriority, Status, Submission, Urgency
from gwangju_civic.routing.display import display_percent
from gwangju_civic.submissions.operations import change_status, classify, record_event

if TYPE_CHECKING:
    from gwangju_civic.routing.router import Routing

# The router "strongly disagrees" when it is confident in another category and gives the chosen one less than this.
STRONG_DISAGREEMENT = 0.10


def probability_of(routing: "Routing", code: str) -> float:
    """The router's probability for `code`: its pick, one of its alternatives, or 0 when it did not list it."""
    if routing.category.label == code:
        return routing.category.probability
    return next((p.probability for p in routing.alternatives.get("category", []) if p.label == code), 0.0)


def strongly_disagrees(routing: "Routing", code: str, threshold: float) -> bool:
    return (routing.category.label != code and routing.confidence >= threshold
            and probability_of(routing, code) < STRONG_DISAGREEMENT)


def route_chosen(submission: Submission, routing: "Routing", threshold: float) -> None:
    """Department, priority and urgency for the chosen category; a strong disagreement goes to triage, unchanged.

    The category is never silently changed: when the router is sure it is another one, a person decides.
    """
    category = submission.category
    assert category is not None
    agrees = routing.category.label == category.code
    department = (_row(Department, routing.department.label) if agrees and routing.department.probability >= threshold
                  else None) or category.department
    priority = (_row(PlanPriority, routing.plan_priority.label)
                if agrees and routing.plan_priority.probability >= threshold else None) or category.plan_priority
    classify(submission, category=category, department=department, plan_priority=priority,
             urgency=Urgency(routing.urgency.label), actor="router")
    if strongly_disagrees(routing, category.code, threshold):
        record_event(submission, "router", "note", message=(
            f"the client chose “{category.code}” but the router suggests “{routing.category.label}” "
            f"({display_percent(routing.category.probability)}, “{category.code}” "
            f"{display_percent(probability_of(routing, category.code))}): "
            "check the category"))
        change_status(submission, Status.NEEDS_TRIAGE, "router")
        return
    change_status(submission, Status.ROUTED, "router")


def _row(model: type[Department] | type[PlanPriority], code: str):
    return db.session.scalar(select(model).where(model.code == code))
