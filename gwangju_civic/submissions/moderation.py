"""Moderation: staff take a report, a photo or a public update off public pages, or redact the public text.

Each action needs a reason and is written to the trail as a staff-only event; the resident's original is never
changed (staff pages keep showing it). Functions flush, the view commits.
"""
from flask_babel import gettext as _

from gwangju_civic.extensions import db
from gwangju_civic.models import Photo, Submission, SubmissionEvent, User
from gwangju_civic.models.submissions import UPDATE_HIDDEN, UPDATE_SHOWN
from gwangju_civic.privacy import public_text
from gwangju_civic.submissions.operations import record_event
from gwangju_civic.submissions.workflow import WorkflowError, actor_name

# The public copies staff may redact, and the original each is made from.
REDACTABLE = {"title": "public_title", "description": "public_description", "address": "public_address"}


def _reason(reason: str | None) -> str:
    """The reason, stripped; moderation without one is refused before anything changes."""
    stripped = (reason or "").strip()
    if not stripped:
        raise WorkflowError(_("a reason is required for moderation"))
    return stripped


def _record(submission: Submission, user: User, action: str, reason: str, *, field_name: str | None = None,
            target: int | None = None) -> None:
    record_event(submission, actor_name(user), action, field_name=field_name, new=target, message=reason,
                 user_id=user.id)
    db.session.flush()


def set_hidden(submission: Submission, user: User, hidden: bool, reason: str | None) -> None:
    """Hide the whole report from public pages (404 there), or show it again."""
    reason = _reason(reason)
    if submission.is_hidden == hidden:
        raise WorkflowError(_("the report is already hidden") if hidden else _("the report is already public"))
    submission.is_hidden = hidden
    _record(submission, user, "hidden" if hidden else "shown", reason)


def set_photo_hidden(submission: Submission, photo: Photo, user: User, hidden: bool, reason: str | None) -> None:
    reason = _reason(reason)
    if photo.submission_id != submission.id:
        raise WorkflowError(_("that photo belongs to another report"))
    if photo.is_hidden == hidden:
        raise WorkflowError(_("the photo is already hidden") if hidden else _("the photo is already public"))
    photo.is_hidden = hidden
    _record(submission, user, "photo_hidden" if hidden else "photo_shown", reason, target=photo.id)


def set_update_hidden(submission: Submission, event: SubmissionEvent, user: User, hidden: bool,
                      reason: str | None) -> None:
    """Events are append-only, so hiding a public update is itself an event naming the update."""
    reason = _reason(reason)
    if event.submission_id != submission.id or not event.is_public:
        raise WorkflowError(_("only a public update of this report can be hidden"))
    if (event.id in submission.hidden_update_ids) == hidden:
        raise WorkflowError(_("the update is already hidden") if hidden else _("the update is already public"))
    _record(submission, user, UPDATE_HIDDEN if hidden else UPDATE_SHOWN, reason, target=event.id)


def redact(submission: Submission, user: User, field_name: str, text: str, reason: str | None) -> None:
    """Replace the public copy of the title, description or address; it still passes through the masking."""
    reason = _reason(reason)
    if field_name not in REDACTABLE:
        raise WorkflowError(_("%(field)s cannot be redacted", field=field_name))
    copy = public_text(text.strip()) or None
    if field_name != "address" and not copy:
        raise WorkflowError(_("the public title cannot be empty") if field_name == "title"
                            else _("the public description cannot be empty"))
    setattr(submission, REDACTABLE[field_name], copy)
    _record(submission, user, "redacted", reason, field_name=field_name)
