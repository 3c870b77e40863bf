"""Donor pages: open campaigns, upload, privacy review, consent, receipt and withdrawal."""
from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from gwangju_civic.donations import fit, operations, queries, storage
from gwangju_civic.donations.forms import (
    ChoiceForm,
    ConsentForm,
    DonationForm,
    WithdrawForm,
    short_form_class,
    short_form_table,
)
from gwangju_civic.donations.labels import template_helpers
from gwangju_civic.donations.parsing import DonationFileError
from gwangju_civic.extensions import db, limiter
from gwangju_civic.models import Campaign, Donation, DonationKind

bp = Blueprint("donations", __name__, url_prefix="/donate")
bp.context_processor(template_helpers)

PENDING_KEY = "pending_donations"
RECEIPT_KEY = "donation_receipt"


class PendingGone(Exception):
    """The preview expired (or was already consented): the donor starts again."""


@bp.errorhandler(PendingGone)
def pending_gone(error: PendingGone):
    return render_template("donations/expired.html"), 410


def _remember(token: str) -> None:
    """Only the browser that uploaded may see its preview."""
    session[PENDING_KEY] = [*session.get(PENDING_KEY, [])[-4:], token]


def _pending_or_404(token: str) -> tuple[storage.PendingUpload, Campaign]:
    if token not in session.get(PENDING_KEY, []):
        abort(404)
    pending = storage.load_pending(token)
    if pending is None:
        raise PendingGone()
    return pending, queries.open_campaign_or_404(pending.campaign_id, queries.today())


@bp.route("/")
def campaigns():
    open_now = queries.open_campaigns(queries.today())
    return render_template("donations/campaigns.html", campaigns=open_now,
                           progress=queries.progress([c.id for c in open_now]))


@bp.route("/campaigns/<int:campaign_id>", methods=["GET", "POST"])
def campaign(campaign_id: int):
    """Steps 1 and 2: the campaign, and the upload (or short form) checked by content."""
    campaign = queries.open_campaign_or_404(campaign_id, queries.today())
    form = short_form_class(campaign)() if campaign.asks == DonationKind.FORM else DonationForm(campaign)
    problems: list = []
    if form.validate_on_submit():
        storage.purge_expired()
        try:
            if campaign.asks == DonationKind.IMAGES:
                pending = operations.prepare_images(campaign, form.description.data, form.image_data)
            else:
                table = short_form_table(form, campaign) if campaign.asks == DonationKind.FORM else form.table
                pending = operations.prepare_table(campaign, form.description.data, table)
        except DonationFileError as error:
            problems = error.messages
        else:
            _remember(pending.token)
            return redirect(url_for("donations.review", token=pending.token), code=303)
    return render_template("donations/campaign.html", campaign=campaign, form=form, problems=problems,
                           progress=queries.progress([campaign.id]).get(campaign.id, 0)
                           ), 400 if form.is_submitted() else 200


@bp.route("/review/<token>", methods=["GET", "POST"])
def review(token: str):
    """Step 3: the masked data; the donor unticks the rows (or images) and columns they do not want to give."""
    pending, campaign = _pending_or_404(token)
    form = ChoiceForm()
    error = None
    if form.validate_on_submit():
        keep_rows = [int(r) for r in request.form.getlist("keep_row") if r.isdigit()]
        try:
            operations.choose(pending, campaign, keep_rows, request.form.getlist("keep_column"))
        except operations.DonationError:
            error = _("Keep at least one row and one column, and every column the campaign requires.")
        else:
            return redirect(url_for("donations.consent", token=token), code=303)
    return render_template("donations/review.html", pending=pending, campaign=campaign, form=form, error=error,
                           required=operations.required_columns(campaign)), 400 if error else 200


@bp.route("/review/<token>/images/<filename>")
def pending_image(token: str, filename: str):
    pending, _campaign = _pending_or_404(token)
    if filename not in {image["filename"] for image in pending.images}:
        abort(404)
    return send_from_directory(storage.pending_dir(token), filename, max_age=0)


@bp.route("/consent/<token>", methods=["GET", "POST"])
def consent(token: str):
    """Step 4: exactly what will be kept, the consent text in force, and an explicit tick."""
    pending, campaign = _pending_or_404(token)
    version = campaign.current_consent or abort(404)
    form = ConsentForm()
    if not form.is_submitted():
        form.consent_version.data, form.consent_digest.data = str(version.id), version.digest
    changed = form.is_submitted() and form.consent_digest.data != version.digest
    if not changed and form.validate_on_submit():
        try:
            donation, code = operations.consent(pending, campaign, version, form.consent_digest.data)
        except operations.DonationError:
            changed = True
        else:
            _commit_donation(donation)
            storage.discard_pending(token)
            session[PENDING_KEY] = [t for t in session.get(PENDING_KEY, []) if t != token]
            session[RECEIPT_KEY] = {"donation": donation.id, "code": code}
            if fit.check_fit(donation) is not None:
                db.session.commit()
            return redirect(url_for("donations.receipt"), code=303)
    if changed:  # the donor consents again, to the wording now shown
        form = ConsentForm(formdata=None, consent_version=str(version.id), consent_digest=version.digest)
    return render_template("donations/consent.html", pending=pending, campaign=campaign, version=version, form=form,
                           view=operations.kept_view(pending), changed=changed
                           ), 400 if form.is_submitted() or changed else 200


def _commit_donation(donation: Donation) -> None:
    """Commit the donation; if that fails, the files already moved to the kept area are deleted again."""
    try:
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        operations.forget_files(donation)
        raise


@bp.route("/receipt")
def receipt():
    """Shown to the browser that consented while its session lasts; the database holds only the code's hash."""
    held = session.get(RECEIPT_KEY) or abort(404)
    return render_template("donations/receipt.html", code=held["code"],
                           donation=db.session.get(Donation, held["donation"]))


def _failed_withdrawal(response) -> bool:
    """Only wrong codes count towards the throttle."""
    return response.status_code != 200


@bp.route("/withdraw", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["WITHDRAWAL_THROTTLE"], methods=["POST"], deduct_when=_failed_withdrawal)
def withdraw():
    form = WithdrawForm()
    if form.validate_on_submit():
        audit = operations.withdraw(form.donation)
        db.session.commit()
        session.pop(RECEIPT_KEY, None)
        return render_template("donations/withdrawn.html", audit=audit)
    return render_template("donations/withdraw.html", form=form), 400 if form.is_submitted() else 200
