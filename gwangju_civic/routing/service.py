"""The router inside the app: loaded once per process, and applied to each new submission."""
import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import (
    Category,
    Department,
    PlanPriority,
    Status,
    Submission,
    SubmissionEmbedding,
    Urgency,
)
from gwangju_civic.submissions.operations import change_status, classify, record_event, send_to_triage

if TYPE_CHECKING:  # the ML stack is imported on first use, not when the app starts
    from gwangju_civic.routing.router import Router, Routing

log = logging.getLogger(__name__)


class RouterLoader:
    """Loads the active router on first use, once, behind a lock; `reset` makes the next use reload."""

    def __init__(self, models_dir: Path) -> None:
        self.models_dir = models_dir
        self._router: "Router | None" = None
        self._lock = threading.Lock()

    def get(self) -> "Router":
        router = self._router
        if router is None:
            with self._lock:
                if self._router is None:
                    from gwangju_civic.routing.router import Router

                    self._router = Router.load_active(self.models_dir)
                router = self._router
        return router

    def reset(self) -> None:
        with self._lock:
            self._router = None


def init_app(app: Flask) -> None:
    app.extensions["router"] = RouterLoader(Path(app.config["ROUTER_MODELS_DIR"]))


def current_router() -> "Router":
    return current_app.extensions["router"].get()


def confidence_threshold(router: "Router") -> float:
    """The configured threshold, else the one chosen on validation data when the router was trained."""
    configured = current_app.config.get("ROUTER_CONFIDENCE_THRESHOLD")
    return float(configured) if configured is not None else float(router.metrics["category"]["threshold"])


def route_submission(submission: Submission) -> None:
    """Route a confident submission to its department; otherwise send it to triage with the suggestions."""
    text = f"{submission.title}\n{submission.description}"
    try:
        router = current_router()
        vector = router.embed([text])
        routing = router.route_many([text], [submission.kind.value], embeddings=vector)[0]
    except Exception as error:  # a missing, corrupt or failing router must never lose the report
        log.error("router failed for %s: %s", submission.tracking_code, error)
        send_to_triage(submission, f"router unavailable: {error}")
        return
    db.session.add(SubmissionEmbedding(submission_id=submission.id, vector=vector[0].astype("float32").tobytes(),
                                       model_version=routing.model_version))
    submission.routing = routing.to_dict()
    submission.routing_confidence = routing.confidence
    threshold = confidence_threshold(router)
    record_event(submission, "router", "routing_suggested", new=routing.category.label,
                 message=describe(routing, threshold))
    category = db.session.scalar(select(Category).where(Category.code == routing.category.label))
    if category is None or routing.confidence < threshold:
        change_status(submission, Status.NEEDS_TRIAGE, "router")
        return
    classify(
        submission,
        category=category,
        department=_confident(Department, routing.department, threshold) or category.department,
        plan_priority=_confident(PlanPriority, routing.plan_priority, threshold) or category.plan_priority,
        urgency=Urgency(routing.urgency.label),
        actor="router",
    )
    change_status(submission, Status.ROUTED, "router")


def _confident(model: type, prediction, threshold: float):
    """The predicted row when the head is at least as sure as the threshold, else None."""
    if prediction.probability < threshold:
        return None
    return db.session.scalar(select(model).where(model.code == prediction.label))


def describe(routing: "Routing", threshold: float) -> str:
    """A one-paragraph explanation for staff: each head's pick, how sure, and the closest examples."""
    heads = ", ".join(
        f"{name} {getattr(routing, name).label} ({getattr(routing, name).probability:.0%})"
        for name in ("category", "department", "plan_priority", "urgency")
    )
    nearest = "; ".join(f"“{n.text[:60]}” → {n.label}" for n in routing.neighbours)
    return f"router {routing.model_version}, threshold {threshold:.0%}: {heads}. Nearest examples: {nearest}"
