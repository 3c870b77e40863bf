"""How a submission moves: the status workflow and staff actions; each flushes and writes the trail, never commits."""
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.labels import STATUS_LABELS
from gwangju_civic.models import (
    Category,
    Department,
    PlanPriority,
    RoutingCorrection,
    RoutingLabel,
    Status,
    Submission,
    Urgency,
    User,
    utcnow,
)
from gwangju_civic.submissions.operations import change_status, classify, record_event
from gwangju_civic.submissions.transitions import (
    NEEDS_REASON,
    OPEN_STATUSES,
    TRANSITIONS,
    ChangedMeanwhile,
    WorkflowError,
    refused,
)

__all__ = ["NEEDS_REASON", "OPEN_STATUSES", "TRANSITIONS", "ChangedMeanwhile", "Status", "WorkflowError"]
REOPEN_WINDOW = timedelta(days=30)


def actor_name(user: User) -> str:
    return f"{user.role.value}:{user.email}"


def _responded(submission: Submission) -> None:
    submission.first_response_at = submission.first_response_at or utcnow()


def expect_version(submission: Submission, seen: int | None) -> None:
    """Act only on what the staff member saw: a page drawn from an older version is refused, theirs kept."""
    if seen is not None and seen != submission.version:
        raise ChangedMeanwhile(submission.id)


def move(submission: Submission, status: Status, user: User, reason: str | None = None) -> None:
    """Change status along the workflow; rejecting or marking duplicate needs a reason."""
    if status == submission.status:
        raise refused(submission.status, status)
    if status in NEEDS_REASON and not (reason or "").strip():
        raise WorkflowError(_("A reason is required to mark a submission “%(status)s”.", status=STATUS_LABELS[status]))
    change_status(submission, status, actor_name(user), message=reason, public=True, user_id=user.id)
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
    _judge_routing(submission, department, user)
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


def _judge_routing(submission: Submission, department: Department, user: User) -> None:
    """Staff's department is the verdict on the router's confident routing (routing/precision.py); latest counts."""
    label = db.session.scalar(select(RoutingLabel).where(RoutingLabel.submission_id == submission.id))
    if label is not None:
        label.correct = label.department_id == department.id
        label.decided_at, label.decided_by = utcnow(), actor_name(user)


def assign(submission: Submission, user: User, officer: User) -> None:
    if officer.department_id not in (None, submission.department_id) and not officer.sees_all_departments:
        raise WorkflowError(_("the officer belongs to another department"))
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
    """Merge into the original's root: this citizen, and any who followed this one, follow the root from now on."""
    if submission.status == Status.DUPLICATE:
        raise WorkflowError(_("This submission is already a duplicate; reopen it first."))
    root = chain_root(original, submission)
    followers = db.session.scalars(select(Submission).where(Submission.duplicate_of_id == submission.id,
                                                            Submission.status == Status.DUPLICATE)).all()
    submission.duplicate_of = root
    move(submission, Status.DUPLICATE, user, reason=reason)
    for follower in followers:
        record_event(follower, actor_name(user), "field_changed", field_name="duplicate_of",
                     old=submission.tracking_code, new=root.tracking_code, user_id=user.id)
        follower.duplicate_of = root
    record_event(root, actor_name(user), "duplicate_merged", new=submission.tracking_code,
                 message=f"{submission.title}")
    db.session.flush()


def chain_root(original: Submission, submission: Submission) -> Submission:
    """The report at the end of the original's duplicate chain; refused if it leads back to `submission`."""
    if original.id == submission.id:
        raise WorkflowError(_("A submission cannot be a duplicate of itself."))
    seen = {original.id}
    root = original
    while root.duplicate_of is not None:
        root = root.duplicate_of
        if root.id == submission.id:
            raise WorkflowError(_("%(code)s already follows this submission: that would make a circle of "
                                  "duplicates.", code=original.tracking_code))
        if root.id in seen:
            raise WorkflowError(_("The duplicates of %(code)s form a loop; ask an administrator to untangle them.",
                                  code=original.tracking_code))
        seen.add(root.id)
    return root


def can_reopen(submission: Submission) -> bool:
    return (
        submission.status == Status.RESOLVED
        and submission.resolved_at is not None
        and utcnow() - submission.resolved_at <= REOPEN_WINDOW
    )


def reopen(submission: Submission, reason: str) -> None:
    """The citizen disagrees that it is fixed: back to the department, within 30 days of resolution."""
    if not can_reopen(submission):
        raise WorkflowError(_("only a submission resolved in the last 30 days can be reopened"))
    if not reason.strip():
        raise WorkflowError(_("a reason is required to reopen"))
    change_status(submission, Status.IN_PROGRESS, "citizen", message=reason.strip(), public=True)
