"""Moderation of what the public sees: hide or show a report, a photo or a public update, redact public text.

Any staff role may moderate a submission it can see (officers: their department's, as everywhere in /admin).
"""
from typing import TypeVar

from flask import abort, current_app, send_from_directory
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from gwangju_civic.admin import bp
from gwangju_civic.admin.access import staff_required, visible_submission_or_404, visible_submissions
from gwangju_civic.admin.actions import act
from gwangju_civic.admin.forms import ModerationForm, RedactionForm
from gwangju_civic.extensions import db
from gwangju_civic.models import Photo, Submission, SubmissionEvent
from gwangju_civic.submissions import moderation

T = TypeVar("T", Photo, SubmissionEvent)
VISIBILITY = "<any(hide, show):action>"


@bp.context_processor
def moderation_forms() -> dict:
    """The detail page's moderation panel builds one small form per report, photo, update and public text."""

    def redaction_form(submission: Submission, field_name: str) -> RedactionForm:
        current = getattr(submission, moderation.REDACTABLE[field_name])
        return RedactionForm(prefix=f"redact-{field_name}", data={"text": current or ""})

    return {"moderation_form": lambda prefix: ModerationForm(prefix=prefix), "redaction_form": redaction_form,
            "redactable": list(moderation.REDACTABLE)}


def _part_of(submission: Submission, model: type[T], row_id: int) -> T:
    """A photo or an update of this submission; one of another submission is a 404 like a missing one."""
    row = db.session.get(model, row_id)
    if row is None or row.submission_id != submission.id:
        abort(404)
    return row


@bp.route(f"/submissions/<int:submission_id>/{VISIBILITY}", methods=["POST"])
@staff_required()
def report_visibility(submission_id: int, action: str):
    submission = visible_submission_or_404(submission_id)
    form = ModerationForm(prefix="report")
    hide = action == "hide"
    return act(submission, form,
               lambda: moderation.set_hidden(submission, current_user, hide, form.reason.data),
               _("The report is hidden from public pages.") if hide else _("The report is public again."),
               anchor="moderation")


@bp.route(f"/submissions/<int:submission_id>/photos/<int:photo_id>/{VISIBILITY}", methods=["POST"])
@staff_required()
def photo_visibility(submission_id: int, photo_id: int, action: str):
    submission = visible_submission_or_404(submission_id)
    photo = _part_of(submission, Photo, photo_id)
    form = ModerationForm(prefix=f"photo-{photo.id}")
    hide = action == "hide"
    return act(submission, form,
               lambda: moderation.set_photo_hidden(submission, photo, current_user, hide, form.reason.data),
               _("The photo is hidden from public pages.") if hide else _("The photo is public again."),
               anchor="moderation")


@bp.route(f"/submissions/<int:submission_id>/updates/<int:event_id>/{VISIBILITY}", methods=["POST"])
@staff_required()
def update_visibility(submission_id: int, event_id: int, action: str):
    submission = visible_submission_or_404(submission_id)
    event = _part_of(submission, SubmissionEvent, event_id)
    form = ModerationForm(prefix=f"update-{event.id}")
    hide = action == "hide"
    return act(submission, form,
               lambda: moderation.set_update_hidden(submission, event, current_user, hide, form.reason.data),
               _("The update is hidden from public pages.") if hide else _("The update is public again."),
               anchor="moderation")


@bp.route("/submissions/<int:submission_id>/redact/<any(title, description, address):field_name>", methods=["POST"])
@staff_required()
def redact(submission_id: int, field_name: str):
    submission = visible_submission_or_404(submission_id)
    form = RedactionForm(prefix=f"redact-{field_name}")
    return act(submission, form,
               lambda: moderation.redact(submission, current_user, field_name, form.text.data or "", form.reason.data),
               _("The public text is changed."), anchor="moderation")


@bp.route("/photos/<path:filename>")
@staff_required()
def photo(filename: str):
    """Every photo of a submission the staff member can see, hidden ones included; never cached."""
    stored = db.session.scalar(
        select(Photo).where(Photo.filename == filename,
                            Photo.submission_id.in_(visible_submissions().with_only_columns(Submission.id)))
    ) or abort(404)
    return send_from_directory(current_app.config["UPLOAD_FOLDER"], stored.filename, max_age=0)
