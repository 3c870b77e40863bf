"""Citizen pages: file a report, see the receipt, follow it with the tracking code."""
import logging
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from gwangju_civic.codes import TRACKING_CODE
from gwangju_civic.database import discard_session
from gwangju_civic.errors import error_response
from gwangju_civic.extensions import db
from gwangju_civic.i18n import current_language
from gwangju_civic.intake import nearby, replay, spool
from gwangju_civic.intake.forms import ReopenForm, SubmissionForm
from gwangju_civic.intake.services import receive
from gwangju_civic.models import SubmissionKind
from gwangju_civic.submissions import queries, workflow
from gwangju_civic.submissions.operations import SubmissionDraft
from gwangju_civic.throttles import nearby_lookup, tracking_code_lookup

bp = Blueprint("intake", __name__)
bp.record_once(lambda state: replay.init_app(state.app))
bp.before_app_request(replay.replay_before_request)
log = logging.getLogger(__name__)


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
        receipt = receive(draft)
    except (OperationalError, InterfaceError):
        discard_session()
        spool.spool(draft, Path(current_app.config["SPOOL_FOLDER"]))
        return render_template("intake/spooled.html", code=draft.tracking_code), 202
    except Exception:  # not stored and not spooled: say so, and promise nothing
        log.exception("a report could not be stored")
        discard_session()
        return error_response(500, _("Your report could not be stored. Please try again in a few minutes."))
    return redirect(url_for("intake.received", code=receipt.tracking_code))


@bp.route("/report/similar")
@nearby_lookup
def similar():
    """JSON for the report form: open public reports near the pin or alike in meaning, public fields only."""
    place = nearby.Place.parse(request.args.get("latitude"), request.args.get("longitude"))
    reports = nearby.nearby_reports(place, request.args.get("text", ""), current_language())
    response = jsonify({"reports": reports})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/report/received/<code>")
@tracking_code_lookup
def received(code: str):
    submission = queries.by_tracking_code(code) or abort(404)
    return render_template("intake/received.html", submission=submission)


@bp.route("/track")
@tracking_code_lookup
def track_lookup():
    raw = request.args.get("code", "").strip()
    if not raw:
        return render_template("intake/track_lookup.html")
    code = TRACKING_CODE.normalize(raw)
    if not TRACKING_CODE.matches(code):
        return render_template("intake/track_lookup.html", code=raw, invalid=True), 400
    return redirect(url_for("intake.track", code=code))


@bp.route("/track/<code>")
@tracking_code_lookup
def track(code: str):
    """The report's status and public history; a report still in the spool is shown as being filed."""
    folder = Path(current_app.config["SPOOL_FOLDER"])
    try:
        submission = queries.by_tracking_code(code)
    except (OperationalError, InterfaceError):
        if not spool.holds(folder, code):
            raise
        discard_session()
        submission = None
    if submission is None:
        if spool.holds(folder, code):
            return render_template("intake/filing.html", code=code, set_aside=spool.is_set_aside(folder, code)), 202
        abort(404)
    return render_template("intake/track.html", submission=submission, reopen_form=ReopenForm(),
                           can_reopen=workflow.can_reopen(submission))


@bp.route("/track/<code>/reopen", methods=["POST"])
@tracking_code_lookup
def reopen(code: str):
    """Within 30 days of resolution the resident can say it is not fixed."""
    submission = queries.by_tracking_code(code) or abort(404)
    form = ReopenForm()
    if not form.validate_on_submit() or not workflow.can_reopen(submission):
        return render_template("intake/track.html", submission=submission, reopen_form=form,
                               can_reopen=workflow.can_reopen(submission)), 400
    try:
        workflow.reopen(submission, form.reason.data)
        db.session.commit()
    except workflow.WorkflowError:
        abort(400)
    except StaleDataError:  # staff changed the report at the same moment: theirs is kept
        discard_session()
        flash(_("Your report changed while you were writing. Look at its status and send again if needed."))
        current = queries.by_tracking_code(code) or abort(404)
        return render_template("intake/track.html", submission=current, reopen_form=form,
                               can_reopen=workflow.can_reopen(current)), 409
    flash(_("Your report is open again. The department will look at it."))
    return redirect(url_for("intake.track", code=code), code=303)
