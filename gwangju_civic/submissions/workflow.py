"""How a submission moves: the status workflow and staff actions; each flushes and writes the trail, never commits."""
from datetime import timedelta

from gwangju_civic.extensions import db
from gwangju_civic.models import (
    Category,
    Department,
    PlanPriority,
    RoutingCorrection,
    Status,
    Submission,
    Urgency,
    User,
    utcnow,
)
from gwangju_civic.submissions.operations import change_status, classify, record_event

TRANSITIONS: dict[Status, set[Status]] = {
    Status.NEW: {Status.ROUTED, Status.NEEDS_TRIAGE, Status.ASSIGNED, Status.REJECTED, Status.DUPLICATE},
    Status.ROUTED: {Status.NEEDS_TRIAGE, Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED,
                    Status.DUPLICATE},
    Status.NEEDS_TRIAGE: {Status.ROUTED, Status.ASSIGNED, Status.REJECTED, Status.DUPLICATE},
    Status.ASSIGNED: {Status.IN_PROGRESS, Status.RESOLVED, Status.ROUTED, Status.REJECTED, Status.DUPLICATE},
    Status.IN_PROGRESS: {Status.RESOLVED, Status.ASSIGNED, Status.REJECTED, Status.DUPLICATE},
    Status.RESOLVED: {Status.CLOSED, Status.IN_PROGRESS},
    Status.CLOSED: set(),
    Status.REJECTED: {Status.NEEDS_TRIAGE},
    Status.DUPLICATE: {Status.NEEDS_TRIAGE},
}
NEEDS_REASON = {Status.REJECTED, Status.DUPLICATE}
OPEN_STATUSES = (Status.NEW, Status.ROUTED, Status.NEEDS_TRIAGE, Status.ASSIGNED, Status.IN_PROGRESS)
REOPEN_WINDOW = timedelta(days=30)


class WorkflowError(ValueError):
    """The action is not allowed in the submission's current state; the message says why."""


def actor_name(user: User) -> str:
    return f"{user.role.value}:{user.email}"


def _responded(submission: Submission) -> None:
    submission.first_response_at = submission.first_response_at or utcnow()


def move(submission: Submission, status: Status, user: User, reason: str | None = None) -> None:
    """Change status along the workflow; rejecting or marking duplicate needs a reason."""
    if status not in TRANSITIONS[submission.status]:
        raise WorkflowError(f"cannot go from {submission.status.value} to {status.value}")
    if status in NEEDS_REASON and not (reason or "").strip():
        raise WorkflowError(f"a reason is required to mark a submission {status.value}")
    change_status(submission, status, actor_name(user), message=reason, public=True, user_id=user.id)
    if status == Status.RESOLVED:
        submission.resolved_at = utcnow()
    _responded(submission)


def decide_routing(
    submission: Submission,
    user: User,
    *,
    category: Category,
    department: Department,
    plan_priority: PlanPriority,
    urgency: Urgency,
) -> RoutingCorrection:
    """Confirm or correct where the submission goes; either way the decision becomes training data."""
    suggested = (submission.routing or {}).get("category", {}).get("label")
    suggested_department = (submission.routing or {}).get("department", {}).get("label")
    agreed = suggested == category.code and suggested_department == department.code
    classify(submission, category=category, department=department, plan_priority=plan_priority,
             urgency=urgency, actor=actor_name(user), user_id=user.id)
    if submission.routing is not None:
        submission.routing_outcome = "accepted" if agreed else "corrected"
    correction = RoutingCorrection(
        submission=submission,
        text=f"{submission.title}\n{submission.description}",
        kind=submission.kind,
        category=category,
        department=department,
        plan_priority=plan_priority,
        urgency=urgency,
        corrected_by=actor_name(user),
    )
    db.session.add(correction)
    if submission.status in (Status.NEW, Status.NEEDS_TRIAGE):
        move(submission, Status.ROUTED, user)
    db.session.flush()
    return correction


def assign(submission: Submission, user: User, officer: User) -> None:
    if officer.department_id not in (None, submission.department_id) and not officer.sees_all_departments:
        raise WorkflowError("the officer belongs to another department")
    record_event(submission, actor_name(user), "field_changed", field_name="assignee",
                 old=submission.assignee.email if submission.assignee else None, new=officer.email,
                 user_id=user.id)
    submission.assignee = officer
    if Status.ASSIGNED in TRANSITIONS[submission.status]:
        move(submission, Status.ASSIGNED, user)
    db.session.flush()


def post_update(submission: Submission, user: User, message: str) -> None:
    """A message the citizen sees on the tracking page."""
    record_event(submission, actor_name(user), "public_update", message=message.strip(), public=True,
                 user_id=user.id)
    _responded(submission)
    db.session.flush()


def add_note(submission: Submission, user: User, message: str) -> None:
    """A note for staff only; never shown to the citizen."""
    record_event(submission, actor_name(user), "internal_note", message=message.strip(), user_id=user.id)
    db.session.flush()


def mark_duplicate(submission: Submission, original: Submission, user: User, reason: str) -> None:
    """Merge into the original: the duplicate's citizen follows the original from now on."""
    if original.id == submission.id or original.duplicate_of_id == submission.id:
        raise WorkflowError("a submission cannot be a duplicate of itself")
    while original.duplicate_of is not None:
        original = original.duplicate_of
    submission.duplicate_of = original
    move(submission, Status.DUPLICATE, user, reason=reason)
    record_event(original, actor_name(user), "duplicate_merged", new=submission.tracking_code,
                 message=f"{submission.title}")
    db.session.flush()


def can_reopen(submission: Submission) -> bool:
    return (
        submission.status == Status.RESOLVED
        and submission.resolved_at is not None
        and utcnow() - submission.resolved_at <= REOPEN_WINDOW
    )


def reopen(submission: Submission, reason: str) -> None:
    """The citizen disagrees that it is fixed: back to the department, within 30 days of resolution."""
    if not can_reopen(submission):
        raise WorkflowError("only a submission resolved in the last 30 days can be reopened")
    if not reason.strip():
        raise WorkflowError("a reason is required to reopen")
    change_status(submission, Status.IN_PROGRESS, "citizen", message=reason.strip(), public=True)
    submission.resolved_at = None
    db.session.flush()
