"""Staff review of a campaign's donations: the queue, accept or reject, participation figures, open-data export.

The export is built by a background job: the page queues it and shows the state of the latest one.
"""
from flask import abort, flash, redirect, render_template, request, send_file, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from gwangju_civic.admin import bp
from gwangju_civic.admin.access import staff_required
from gwangju_civic.admin.forms import ActionForm
from gwangju_civic.donations import export as exports
from gwangju_civic.donations import operations, queries, storage
from gwangju_civic.donations.forms import ReviewForm
from gwangju_civic.extensions import db
from gwangju_civic.models import Campaign, DonationExport, DonationFile, DonationStatus, JobRun
from gwangju_civic.submissions.workflow import actor_name

QUEUE_FILTERS = ("", *(s.value for s in DonationStatus))


@bp.route("/campaigns/<int:campaign_id>")
@staff_required()
def campaign_detail(campaign_id: int):
    campaign = queries.visible_campaign_or_404(campaign_id)
    status = request.args.get("status", DonationStatus.PENDING_REVIEW.value)
    status = status if status in QUEUE_FILTERS else ""
    off_topic = request.args.get("off_topic") == "1"
    if exports.settle_stale(campaign):
        db.session.commit()
    job = exports.latest_job(campaign)
    return render_template(
        "admin/donations/campaign.html", campaign=campaign, status=status, off_topic=off_topic,
        donations=queries.review_queue(campaign, status or None, off_topic),
        stats=queries.participation(campaign), exports=queries.exports(campaign), action_form=ActionForm(),
        export_job=job, export_job_error=job_error(job), export_job_result=exports.job_export(job),
    )


def job_error(run: JobRun | None) -> str | None:
    """The export job's error as staff should read it: the known ones in their language, others as recorded."""
    if run is None or not run.error:
        return None
    known = {
        exports.NOTHING_TO_EXPORT: _("There are no accepted donations to export yet."),
        exports.CHANGED_DURING_BUILD: _("A donation was withdrawn or rejected while the export was built."),
    }
    return known.get(run.error.removeprefix(f"{exports.ExportError.__name__}: "), run.error)


@bp.route("/campaigns/<int:campaign_id>/donations/<int:donation_id>")
@staff_required()
def donation_detail(campaign_id: int, donation_id: int):
    campaign = queries.visible_campaign_or_404(campaign_id)
    donation = queries.donation_of_or_404(campaign, donation_id)
    data = storage.read_kept_json(donation.data_file.filename) if donation.data_file else None
    form = ReviewForm(decision="reject" if donation.status == DonationStatus.REJECTED else "accept",
                      reason=donation.review_reason or "")
    return render_template("admin/donations/donation.html", campaign=campaign, donation=donation, data=data,
                           form=form)


@bp.route("/campaigns/<int:campaign_id>/donations/<int:donation_id>/review", methods=["POST"])
@staff_required()
def donation_review(campaign_id: int, donation_id: int):
    campaign = queries.visible_campaign_or_404(campaign_id)
    donation = queries.donation_of_or_404(campaign, donation_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        data = storage.read_kept_json(donation.data_file.filename) if donation.data_file else None
        return render_template("admin/donations/donation.html", campaign=campaign, donation=donation, data=data,
                               form=form), 400
    operations.review(donation, current_user, form.decision.data == "accept", form.reason.data)
    db.session.commit()
    flash(_("Donation accepted.") if donation.status == DonationStatus.ACCEPTED else _("Donation rejected."),
          "success")
    return redirect(url_for("admin.campaign_detail", campaign_id=campaign.id), code=303)


@bp.route("/donations/files/<filename>")
@staff_required()
def donation_file(filename: str):
    """A kept image, for staff who may see its campaign."""
    stored = db.session.scalar(select(DonationFile).where(DonationFile.filename == filename)) or abort(404)
    queries.visible_campaign_or_404(stored.donation.campaign_id)
    return send_from_directory(storage.kept_root(), stored.filename, max_age=0)


@bp.route("/campaigns/<int:campaign_id>/exports", methods=["POST"])
@staff_required()
def export_build(campaign_id: int):
    """Queue the build for the job worker (never built in a web process); one job per campaign at a time."""
    campaign = queries.visible_campaign_or_404(campaign_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    back = redirect(url_for("admin.campaign_detail", campaign_id=campaign.id, _anchor="exports"), code=303)
    if not exports.has_exportable(campaign):
        flash(_("There are no accepted donations to export yet."), "error")
        return back
    _run, queued = exports.queue_export(campaign, actor_name(current_user))
    db.session.commit()
    if queued:
        flash(_("Export queued. The download link appears below when the job worker has built it."), "success")
    else:
        flash(_("An export of this campaign is already queued or being built."), "info")
    return back


@bp.route("/campaigns/<int:campaign_id>/exports/<int:export_id>.zip")
@staff_required()
def export_download(campaign_id: int, export_id: int):
    """A stale export is gone: a donation in it was withdrawn or rejected, so it must be rebuilt."""
    campaign: Campaign = queries.visible_campaign_or_404(campaign_id)
    export = db.session.get(DonationExport, export_id)
    if export is None or export.campaign_id != campaign.id:
        abort(404)
    if exports.settle_stale(campaign):
        db.session.commit()
    if export.stale or not export.filename:
        flash(_("This export is stale and was deleted: build a new one."), "error")
        return redirect(url_for("admin.campaign_detail", campaign_id=campaign.id), code=303)
    return send_file(storage.exports_root() / export.filename, mimetype="application/zip", as_attachment=True,
                     download_name=f"gwangju-campaign-{campaign.id}-export-{export.id}.zip")
