"""Donor pages: open campaigns, upload, privacy review, consent, receipt and withdrawal."""
from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from gwangju_civic.dates import city_today
from gwangju_civic.donations import operations, queries, storage
from gwangju_civic.donations.codes import code_digest
from gwangju_civic.donations.forms import (
    ChoiceForm,
    ConsentForm,
    DonationForm,
    WithdrawForm,
    short_form_class,
    short_form_table,
)
from gwangju_civic.donations.labels import template_helpers
from gwangju_civic.donations.tables import DonationFileError, Limits
from gwangju_civic.extensions import db
from gwangju_civic.jobs import runs
from gwangju_civic.models import Campaign, Donation, DonationKind
from gwangju_civic.throttles import withdrawal_attempt

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
    return pending, queries.open_campaign_or_404(pending.campaign_id, city_today())


@bp.route("/")
def campaigns():
    open_now = queries.open_campaigns(city_today())
    return render_template("donations/campaigns.html", campaigns=open_now,
                           progress=queries.progress([c.id for c in open_now]))


@bp.route("/campaigns/<int:campaign_id>", methods=["GET", "POST"])
def campaign(campaign_id: int):
    """Steps 1 and 2: the campaign, and the upload (or short form) checked by content."""
    campaign = queries.open_campaign_or_404(campaign_id, city_today())
    limits = Limits.from_config()  # one time budget for parsing and masking
    form = short_form_class(campaign)() if campaign.asks == DonationKind.FORM else DonationForm(campaign, limits)
    problems: list = []
    if form.validate_on_submit():
        storage.purge_expired()
        try:
            if campaign.asks == DonationKind.IMAGES:
                pending = operations.prepare_images(campaign, form.description.data, form.image_data)
            else:
                table = (short_form_table(form, campaign, limits) if campaign.asks == DonationKind.FORM
                         else form.table)
                assert table is not None  # validate_data_file parsed it
                pending = operations.prepare_table(campaign, form.description.data, table, limits)
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
        keep_rows = [int(r) for r in request.form.getlist("keep_row") if r.isascii() and r.isdigit() and len(r) < 10]
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
    if (session.get(RECEIPT_KEY) or {}).get("token") == token:  # sent again (back button, double click)
        return redirect(url_for("donations.receipt"), code=303)
    try:
        pending, campaign = _pending_or_404(token)
    except PendingGone:
        if operations.consented_donation(token) is None:
            raise
        return render_template("donations/already_given.html"), 409  # another request consented, then discarded it
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
        except IntegrityError:  # a concurrent request for this preview may have consented first
            db.session.rollback()
            if (answer := _already_consented(pending)) is None:
                raise
            return answer
        else:
            runs.submit("fit_check", "pending")  # scored by the job worker once committed, never in this request
            _commit_donation(donation)
            return _show_receipt(pending, donation, code)
    if changed:  # the donor consents again, to the wording now shown
        form = ConsentForm(formdata=None, consent_version=str(version.id), consent_digest=version.digest)
    return render_template("donations/consent.html", pending=pending, campaign=campaign, version=version, form=form,
                           view=operations.kept_view(pending), changed=changed
                           ), 400 if form.is_submitted() or changed else 200


def _show_receipt(pending: storage.PendingUpload, donation: Donation, code: str):
    """The preview is used up; this browser sees the receipt (the fit check runs later, outside the request)."""
    storage.discard_pending(pending.token)
    session[PENDING_KEY] = [t for t in session.get(PENDING_KEY, []) if t != pending.token]
    session[RECEIPT_KEY] = {"donation": donation.id, "code": code, "token": pending.token}
    return redirect(url_for("donations.receipt"), code=303)


def _already_consented(pending: storage.PendingUpload):
    """The same receipt as the request that won (same donation, same code); None if none holds the preview."""
    donation = operations.consented_donation(pending.token)
    if donation is None:
        return None
    if pending.withdrawal_code and donation.withdrawal_digest == code_digest(pending.withdrawal_code):
        return _show_receipt(pending, donation, pending.withdrawal_code)
    storage.discard_pending(pending.token)
    return render_template("donations/already_given.html"), 409


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


@bp.route("/withdraw", methods=["GET", "POST"])
@withdrawal_attempt
def withdraw():
    form = WithdrawForm()
    if form.validate_on_submit():
        audit = operations.withdraw(form.donation)
        db.session.commit()
        session.pop(RECEIPT_KEY, None)
        return render_template("donations/withdrawn.html", audit=audit)
    return render_template("donations/withdraw.html", form=form), 400 if form.is_submitted() else 200
