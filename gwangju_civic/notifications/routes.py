"""Resident-facing notification pages: unsubscribe by a signed link, one-click (RFC 8058) or by a button."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from gwangju_civic.errors import error_response
from gwangju_civic.extensions import csrf, db
from gwangju_civic.models import Notification
from gwangju_civic.notifications import operations
from gwangju_civic.notifications.email import UNSUBSCRIBE
from gwangju_civic.notifications.outbox import ALL
from gwangju_civic.notifications.tokens import BadToken, read_token

bp = Blueprint("notifications", __name__)
UNSUBSCRIBE_MAX_AGE = 400 * 24 * 3600  # a link in an old message keeps working for more than a year


def _notification(token: str) -> Notification | tuple:
    """The outbox row a link names, or the error page for a tampered or expired link."""
    try:
        data = read_token(UNSUBSCRIBE, token, UNSUBSCRIBE_MAX_AGE)
        notification = db.session.get(Notification, int(data["n"]))
    except BadToken as error:
        return error_response(400, _("This unsubscribe link has expired.") if error.expired
                              else _("This unsubscribe link is not valid. Please use the link in the message."))
    except (KeyError, TypeError, ValueError):
        notification = None
    if notification is None or not notification.unsubscribe_scope:
        return error_response(400, _("This unsubscribe link is not valid. Please use the link in the message."))
    return notification


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no session and no CSRF token
def unsubscribe(token: str):
    notification = _notification(token)
    if not isinstance(notification, Notification):
        return notification
    scope = notification.unsubscribe_scope or ALL
    if request.method == "GET":
        return render_template("notifications/unsubscribe.html", token=token, scope=scope,
                               per_report=scope.startswith("submission:"))
    if request.form.get("scope") == ALL:
        scope = ALL
    operations.unsubscribe(notification.channel, notification.recipient, scope)
    db.session.commit()
    return render_template("notifications/unsubscribed.html", everything=scope == ALL)

