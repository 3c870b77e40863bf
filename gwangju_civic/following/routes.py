"""Public pages: follow a report by e-mail (double opt-in), confirm it, and say "me too"."""
import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from gwangju_civic.extensions import client_network, db
from gwangju_civic.following import operations
from gwangju_civic.following.forms import ButtonForm, FollowForm
from gwangju_civic.i18n import current_language
from gwangju_civic.models import Submission
from gwangju_civic.notifications.tokens import BadToken
from gwangju_civic.submissions import queries
from gwangju_civic.throttles import follow_address, follow_request, support_click

bp = Blueprint("following", __name__)

BROWSER_COOKIE = "gjc_supporter"
TWO_YEARS = 2 * 365 * 24 * 3600
FLASH = "following"  # the flash category the report page's follow box shows
# The report page's follow box offers each button when the service would accept it.
bp.add_app_template_global(operations.can_follow, "can_follow")
bp.add_app_template_global(operations.can_support, "can_support")


def _public_or_404(submission_id: int) -> Submission:
    """Hidden reports are not found, as on the report page itself."""
    return queries.public_by_id(submission_id) or abort(404)


def _to_report(submission: Submission) -> Response:
    return redirect(url_for("main.public_detail", submission_id=submission.id, _anchor="follow"), code=303)


@bp.route("/submissions/<int:submission_id>/follow", methods=["GET", "POST"])
@follow_request
@follow_address
def follow(submission_id: int):
    """The same answer whether or not the address already follows: the page reveals nothing about it."""
    submission = _public_or_404(submission_id)
    if not operations.can_follow(submission):
        abort(404)
    form = FollowForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("following/follow.html", submission=submission, form=form), status
    operations.request_follow(submission, form.email.data, current_language())
    db.session.commit()
    return render_template("following/requested.html", submission=submission)


@bp.route("/follow/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """A button, not the link itself, confirms: mail scanners that open links must not subscribe anyone."""
    try:
        follower = operations.follower_from_token(token)
    except BadToken as error:
        return render_template("following/bad_link.html", expired=error.expired), 400
    if follower is None or not operations.can_follow(follower.submission):
        abort(404)
    form = ButtonForm()
    if not form.validate_on_submit():
        return render_template("following/confirm.html", follower=follower, form=form)
    operations.confirm(follower)
    db.session.commit()
    return render_template("following/confirmed.html", follower=follower)


def _cookie_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="gwangju_civic.supporter")


def _browser_id() -> tuple[str, bool]:
    """This browser's random "me too" id from its signed cookie, or a new one (True when new)."""
    try:
        value = _cookie_serializer().loads(request.cookies.get(BROWSER_COOKIE, ""))
        if isinstance(value, str) and value:
            return value, False
    except BadSignature:
        pass
    return secrets.token_urlsafe(16), True


@bp.route("/submissions/<int:submission_id>/support", methods=["POST"])
@support_click
def support(submission_id: int):
    """Counted once per browser; many browsers on one network only up to SUPPORT_PER_NETWORK."""
    submission = _public_or_404(submission_id)
    if not operations.can_support(submission) or not ButtonForm().validate_on_submit():
        abort(400)
    browser_id, new = _browser_id()
    counted = operations.support(submission, browser_id, client_network())
    db.session.commit()
    flash(_("Thank you: your “me too” is counted.") if counted else _("Your “me too” was already counted."), FLASH)
    response = _to_report(submission)
    if new:
        response.set_cookie(BROWSER_COOKIE, _cookie_serializer().dumps(browser_id), max_age=TWO_YEARS, httponly=True,
                            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
