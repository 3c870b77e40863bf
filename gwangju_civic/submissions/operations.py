"""Create and change submissions; each function flushes and logs, the caller decides when to commit."""
import logging
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists, select

from gwangju_civic.codes import TRACKING_CODE
from gwangju_civic.extensions import db
from gwangju_civic.geo.districts import district_code_at
from gwangju_civic.models import (
    Category,
    Department,
    PlanPriority,
    Status,
    Submission,
    SubmissionEvent,
    SubmissionKind,
    Urgency,
    utcnow,
)
from gwangju_civic.submissions.clients import attach_client
from gwangju_civic.submissions.language import detect_language
from gwangju_civic.submissions.transitions import FINISHED, TRANSITIONS, WorkflowError, refused

log = logging.getLogger(__name__)


@dataclass
class SubmissionDraft:
    """A validated report as the resident sent it, before it touches the database."""

    kind: SubmissionKind
    title: str
    description: str
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    is_anonymous: bool = False
    photos: list[bytes] = field(default_factory=list)
    tracking_code: str = field(default_factory=TRACKING_CODE.new)
    # An API client's key hash, chosen service and staff-only details (submissions/clients.py); JSON, so it spools.
    client: dict[str, Any] | None = None


def record_event(
    submission: Submission,
    actor: str,
    action: str,
    *,
    field_name: str | None = None,
    old: object = None,
    new: object = None,
    message: str | None = None,
    public: bool = False,
    user_id: int | None = None,
) -> SubmissionEvent:
    event = SubmissionEvent(
        submission=submission,
        actor=actor,
        user_id=user_id,
        action=action,
        field=field_name,
        old_value=None if old is None else str(old),
        new_value=None if new is None else str(new),
        message=message,
        is_public=public,
    )
    db.session.add(event)
    return event


def unused_tracking_code(proposed: str) -> str:
    """Keep the proposed code unless (against the odds) it is taken."""
    code = proposed
    while db.session.scalar(select(exists().where(Submission.tracking_code == code))):
        code = TRACKING_CODE.new()
    return code


def create_submission(draft: SubmissionDraft, keep_code: bool = False) -> Submission:
    """Add the report with status `new` and its first event; photos and routing come after.

    `keep_code` is for a code the resident has already been given (a spooled report): it is kept, and the
    unique constraint refuses it if the report was filed meanwhile, instead of filing it twice.
    """
    submission = Submission(
        tracking_code=draft.tracking_code if keep_code else unused_tracking_code(draft.tracking_code),
        kind=draft.kind,
        title=draft.title.strip(),
        description=draft.description.strip(),
        language=detect_language(f"{draft.title}\n{draft.description}"),
        address=(draft.address or "").strip() or None,
        latitude=draft.latitude,
        longitude=draft.longitude,
        district_code=district_code_at(draft.latitude, draft.longitude),
        contact_email=None if draft.is_anonymous else draft.contact_email or None,
        contact_phone=None if draft.is_anonymous else draft.contact_phone or None,
        is_anonymous=draft.is_anonymous,
        status=Status.NEW,
    )
    db.session.add(submission)
    record_event(submission, "citizen", "created", new=Status.NEW.value, public=True)
    if draft.client:
        attach_client(submission, draft.client)
    db.session.flush()
    log.info("submission %s created", submission.tracking_code)
    return submission


def change_status(submission: Submission, status: Status, actor: str, message: str | None = None,
                  public: bool = True, user_id: int | None = None) -> None:
    """The one place a status changes: refuses what TRANSITIONS forbids, keeps the dependent fields true."""
    old = submission.status
    if old == status:
        return
    if status not in TRANSITIONS[old]:
        raise refused(old, status)
    if status == Status.DUPLICATE and submission.duplicate_of is None:
        raise WorkflowError(_("Use “Mark duplicate” with the original's tracking code to mark a duplicate."))
    record_event(submission, actor, "status_changed", field_name="status", old=old.value,
                 new=status.value, message=message, public=public, user_id=user_id)
    submission.status = status
    if old == Status.DUPLICATE and submission.duplicate_of is not None:
        record_event(submission, actor, "field_changed", field_name="duplicate_of",
                     old=submission.duplicate_of.tracking_code, user_id=user_id)
        submission.duplicate_of = None
    if status == Status.RESOLVED:
        submission.resolved_at = utcnow()
    elif status not in FINISHED:
        submission.resolved_at = None
    db.session.flush()


def send_to_triage(submission: Submission, reason: str) -> None:
    """Something optional failed: a person will look at the report instead."""
    log.warning("submission %s sent to triage: %s", submission.tracking_code, reason)
    record_event(submission, "system", "note", message=reason)
    change_status(submission, Status.NEEDS_TRIAGE, "system", public=True)


def classify(
    submission: Submission,
    *,
    category: Category,
    department: Department,
    plan_priority: PlanPriority,
    urgency: Urgency,
    actor: str,
    user_id: int | None = None,
) -> None:
    """Set who handles the submission and how fast; every changed field is written to the trail."""
    Row = Category | Department | PlanPriority
    changes: list[tuple[str, Row | None, Row]] = [
        ("category", submission.category, category),
        ("department", submission.department, department),
        ("plan_priority", submission.plan_priority, plan_priority),
    ]
    for name, old, new in changes:
        if old != new:
            record_event(submission, actor, "field_changed", field_name=name,
                         old=old.code if old else None, new=new.code, user_id=user_id)
    if submission.urgency != urgency:
        record_event(submission, actor, "field_changed", field_name="urgency",
                     old=submission.urgency.value if submission.urgency else None, new=urgency.value,
                     user_id=user_id)
    submission.category = category
    submission.department = department
    submission.plan_priority = plan_priority
    submission.urgency = urgency
    submission.due_at = submission.created_at + urgency.response_time
    db.session.flush()
