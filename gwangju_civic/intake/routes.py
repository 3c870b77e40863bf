"""Citizen pages: file a report, see the receipt, follow it with the tracking code."""
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import InterfaceError, OperationalError

from gwangju_civic.codes import TRACKING_CODE
from gwangju_civic.extensions import db
from gwangju_civic.intake import spool
from gwangju_civic.intake.forms import ReopenForm, SubmissionForm
from gwangju_civic.intake.services import receive
from gwangju_civic.models import SubmissionKind
from gwangju_civic.submissions import queries, workflow
from gwangju_civic.submissions.operations import SubmissionDraft

bp = Blueprint("intake", __name__)


def draft_from(form: SubmissionForm) -> SubmissionDraft:
    return SubmissionDraft(
        kind=SubmissionKind(form.kind.data),
        title=form.title.data,
        description=form.description.data,
        address=form.address.data,
        latitude=form.latitude.data,
        longitude=form.longitude.data,
        contact_email=form.contact_email.data,
        contact_phone=form.contact_phone.data,
        is_anonymous=form.is_anonymous.data,
        photos=[upload.read() for upload in form.photo_files()],
    )


@bp.route("/report", methods=["GET", "POST"])
def report():
    form = SubmissionForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("intake/report.html", form=form), status
    draft = draft_from(form)
    try:
        submission = receive(draft)
    except (OperationalError, InterfaceError):
        db.session.rollback()
        spool.spool(draft, Path(current_app.config["SPOOL_FOLDER"]))
        return render_template("intake/spooled.html", code=draft.tracking_code), 202
    return redirect(url_for("intake.received", code=submission.tracking_code))


@bp.route("/report/received/<code>")
def received(code: str):
    submission = queries.by_tracking_code(code) or abort(404)
    return render_template("intake/received.html", submission=submission)


@bp.route("/track")
def track_lookup():
    raw = request.args.get("code", "").strip()
    if not raw:
        return render_template("intake/track_lookup.html")
    code = TRACKING_CODE.normalize(raw)
    if not TRACKING_CODE.matches(code):
        return render_template("intake/track_lookup.html", code=raw, invalid=True), 400
    return redirect(url_for("intake.track", code=code))


@bp.route("/track/<code>")
def track(code: str):
    submission = queries.by_tracking_code(code) or abort(404)
    return render_template("intake/track.html", submission=submission, reopen_form=ReopenForm(),
                           can_reopen=workflow.can_reopen(submission))


@bp.route("/track/<code>/reopen", methods=["POST"])
def reopen(code: str):
    """Within 30 days of resolution the resident can say it is not fixed."""
    submission = queries.by_tracking_code(code) or abort(404)
    form = ReopenForm()
    if not form.validate_on_submit() or not workflow.can_reopen(submission):
        return render_template("intake/track.html", submission=submission, reopen_form=form,
                               can_reopen=workflow.can_reopen(submission)), 400
    try:
        workflow.reopen(submission, form.reason.data)
    except workflow.WorkflowError:
        abort(400)
    db.session.commit()
    flash(_("Your report is open again. The department will look at it."))
    return redirect(url_for("intake.track", code=code), code=303)
