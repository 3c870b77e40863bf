"""Citizen pages: file a report, see the receipt, follow it with the tracking code."""
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from sqlalchemy.exc import InterfaceError, OperationalError

from gwangju_civic.extensions import db
from gwangju_civic.intake import queries, spool
from gwangju_civic.intake.codes import is_tracking_code, normalize_tracking_code
from gwangju_civic.intake.forms import SubmissionForm
from gwangju_civic.intake.operations import SubmissionDraft
from gwangju_civic.intake.services import receive
from gwangju_civic.models import SubmissionKind

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
    code = normalize_tracking_code(raw)
    if not is_tracking_code(code):
        return render_template("intake/track_lookup.html", code=raw, invalid=True), 400
    return redirect(url_for("intake.track", code=code))


@bp.route("/track/<code>")
def track(code: str):
    submission = queries.by_tracking_code(code) or abort(404)
    return render_template("intake/track.html", submission=submission)
