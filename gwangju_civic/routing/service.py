"""The router inside the app: loaded once per process, and applied to each new submission."""
import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app, has_app_context, has_request_context, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from gwangju_civic.extensions import db
from gwangju_civic.models import (
    Category,
    Department,
    PlanPriority,
    Status,
    Submission,
    Urgency,
)
from gwangju_civic.routing import activation, precision, similarity, versions
from gwangju_civic.routing.display import display_percent
from gwangju_civic.routing.requested import route_chosen
from gwangju_civic.submissions.operations import change_status, classify, record_event, send_to_triage

if TYPE_CHECKING:  # the ML stack is imported on first use, not when the app starts
    from gwangju_civic.routing.router import Router, Routing

log = logging.getLogger(__name__)


class RouterNotReady(RuntimeError):
    """Inside a request, no router is loaded yet: the report goes to triage while it loads in the background."""


class RouterLoader:
    """The process's router: loaded before traffic, swapped in the background when another version is activated.

    Inside a request a model is never loaded: `get` raises RouterNotReady (the report goes to triage) and
    starts a background load instead. Outside requests (queue worker, CLI) `get` loads and waits.
    """

    def __init__(self, models_dir: Path, check_seconds: float = 1.0) -> None:
        self.models_dir = models_dir
        self.check_seconds = check_seconds
        self._router: "Router | None" = None
        self._lock = threading.Lock()  # one load at a time
        self._starting = threading.Lock()  # guards `_loading` without waiting for a load under way
        self._loading: threading.Thread | None = None
        self._checked_at = float("-inf")
        self.last_error: str | None = None

    @property
    def version(self) -> str | None:
        router = self._router
        return router.version if router is not None else None

    def get(self) -> "Router":
        router = self._router
        if router is not None:
            return router
        if has_request_context():
            self.start_loading()
            raise RouterNotReady("the router is still loading")
        return self.load()

    def start_loading(self) -> None:
        """Load the active version (as this context sees it) in the background: for requests and probes."""
        self.load_in_background(_wanted_version(self.models_dir))

    def load(self, version: str | None = None) -> "Router":
        """Load `version` (default: the active one) and make it current; the old one serves until then."""
        from gwangju_civic.routing.router import Router

        version = version or _wanted_version(self.models_dir)
        with self._lock:
            current = self._router
            if current is not None and current.version == version:
                return current
            try:
                router = Router.load(self.models_dir / version) if version else Router.load_active(self.models_dir)
                # One Latin and one Hangul text load MiniLM, e5, the MeCab dictionary and the examples' char n-grams
                # now, not in the first report of each script.
                router.route_many(["warm-up", "준비"])
            except Exception as error:
                self.last_error = str(error)
                raise
            self._router, self.last_error = router, None
            return router

    def load_in_background(self, version: str | None) -> None:
        """Start loading in a thread unless a load is already under way; errors are logged, never raised."""
        with self._starting:
            if self._loading is not None and self._loading.is_alive():
                return
            self._loading = threading.Thread(target=self._load_quietly, args=(version,), name="router-load",
                                             daemon=True)
            self._loading.start()

    def _load_quietly(self, version: str | None) -> None:
        try:
            router = self.load(version)
        except Exception as error:  # a request sends its report to triage meanwhile
            log.error("router %s could not be loaded: %s", version, error)
        else:
            log.info("router %s is in use", router.version)

    def refresh(self) -> None:
        """At most every `check_seconds`: one indexed read of the active version; a change is loaded in the
        background inside requests, at once elsewhere."""
        now = time.monotonic()
        if now - self._checked_at < self.check_seconds:
            return
        self._checked_at = now
        try:
            wanted = activation.active_version(self.models_dir)
        except SQLAlchemyError as error:  # the database is down: keep routing with what is loaded
            log.warning("active router version unknown: %s", error)
            return
        if wanted is None or wanted == self.version:
            return
        if has_request_context():
            self.load_in_background(wanted)
        else:
            try:
                self.load(wanted)
            except Exception as error:
                log.error("router %s could not be loaded: %s", wanted, error)

    def reset(self) -> None:
        with self._lock:
            self._router = None
            self._checked_at = float("-inf")


def _wanted_version(models_dir: Path) -> str | None:
    """The active version from the database when there is an app context and it answers, else models/ACTIVE."""
    if has_app_context():
        try:
            return activation.active_version(models_dir)
        except SQLAlchemyError:
            pass
    return versions.active_name(models_dir)


def init_app(app: Flask) -> None:
    app.extensions["router"] = RouterLoader(Path(app.config["ROUTER_MODELS_DIR"]),
                                            float(app.config.get("ROUTER_CHECK_SECONDS", 1.0)))
    app.before_request(_refresh_router)


def _refresh_router() -> None:
    if request.endpoint != "static":
        current_app.extensions["router"].refresh()


def preload(app: Flask) -> str | None:
    """Load the active router before the process takes traffic (gunicorn's post_worker_init); its version."""
    with app.app_context():
        try:
            similarity.current_similarity()  # the similarity encoder loads before traffic too
        except Exception as error:  # the similar lists fall back to character n-grams meanwhile
            log.error("similarity encoder not loaded at start: %s", error)
        try:
            return app.extensions["router"].load().version
        except Exception as error:  # readyz says 503 and requests send reports to triage
            log.error("router not loaded at start: %s", error)
            return None


def current_router() -> "Router":
    return current_app.extensions["router"].get()


def confidence_threshold(router: "Router") -> float:
    """The configured threshold, else the one chosen out of fold when the router was trained."""
    configured = current_app.config.get("ROUTER_CONFIDENCE_THRESHOLD")
    return float(configured) if configured is not None else float(router.metrics["category"]["threshold"])


def route_submission(submission: Submission) -> None:
    """Route a confident submission to its department; otherwise send it to triage with the suggestions.

    The router decides only for a NEW submission: one already sent to a person (say, its photos failed)
    keeps its status, and the suggestion waits there for staff to accept or correct. Its similarity
    embedding is never computed here: the caller asks a worker for it (`similarity.queue_embedding`).
    """
    text = f"{submission.title}\n{submission.description}"
    try:  # computed before this transaction writes: on SQLite a write holds the one write lock until commit
        router = current_router()
        embeddings = router.feature_embeddings([text])
        routing = router.route_many([text], [submission.kind.value], embeddings=embeddings)[0]
    except Exception as error:  # a missing, corrupt or failing router must never lose the report
        log.error("router failed for %s: %s", submission.tracking_code, error)
        send_to_triage(submission, f"router unavailable: {error}")
        return
    submission.routing = routing.to_dict()
    submission.routing_confidence = routing.confidence
    threshold = confidence_threshold(router)
    record_event(submission, "router", "routing_suggested", new=routing.category.label,
                 message=describe(routing, threshold))
    if submission.status != Status.NEW:
        return
    if submission.category is not None:  # chosen by the client (an Open311 service): kept unless strongly contested
        route_chosen(submission, routing, threshold)
        return
    category = db.session.scalar(select(Category).where(Category.code == routing.category.label))
    if category is None or routing.confidence < threshold:
        change_status(submission, Status.NEEDS_TRIAGE, "router")
        return
    department = _confident(Department, routing.department, threshold) or category.department
    reason = (f"far from every example the router learned from (nearest {routing.neighbours[0].similarity:.2f}): "
              "a person routes this one") if routing.abstained else precision.hold_back_reason(
                  submission, department, routing)
    if reason:  # unfamiliar text, or auto-routing to this department paused (routing/precision.py)
        record_event(submission, "router", "note", message=reason)
        change_status(submission, Status.NEEDS_TRIAGE, "router")
        return
    classify(
        submission,
        category=category,
        department=department,
        plan_priority=_confident(PlanPriority, routing.plan_priority, threshold) or category.plan_priority,
        urgency=Urgency(routing.urgency.label),
        actor="router",
    )
    change_status(submission, Status.ROUTED, "router")


def _confident(model: type[Department] | type[PlanPriority], prediction, threshold: float):
    """The predicted row when the head is at least as sure as the threshold, else None."""
    if prediction.probability < threshold:
        return None
    return db.session.scalar(select(model).where(model.code == prediction.label))


def describe(routing: "Routing", threshold: float) -> str:
    """A one-paragraph explanation for staff: each head's pick, how sure, and the closest examples."""
    heads = ", ".join(
        f"{name} {getattr(routing, name).label} ({display_percent(getattr(routing, name).probability)})"
        for name in ("category", "department", "plan_priority", "urgency")
    )
    nearest = "; ".join(f"“{n.text[:60]}” → {n.label}" for n in routing.neighbours)
    return f"router {routing.model_version}, threshold {threshold:.0%}: {heads}. Nearest examples: {nearest}"
