"""Following a report (double opt-in) and "me too": each function flushes, the caller commits."""
import hashlib
import hmac
from typing import cast

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from gwangju_civic.dates import city_today
from gwangju_civic.extensions import db
from gwangju_civic.links import external_url
from gwangju_civic.models import Channel, Follower, Status, Submission, Supporter, Suppression, utcnow
from gwangju_civic.notifications import outbox
from gwangju_civic.notifications.messages import render
from gwangju_civic.notifications.tokens import make_token, read_token
from gwangju_civic.submissions.transitions import OPEN_STATUSES

FOLLOW_TOKEN = "follow"
CONFIRM_KIND = "follow_confirm"


def scope_of(submission_id: int) -> str:
    """The outbox's unsubscribe scope for one report's messages."""
    return f"submission:{submission_id}"


def normalized_email(email: str) -> str:
    return outbox.normalized(Channel.EMAIL, email)


def can_follow(submission: Submission) -> bool:
    """A public report that still carries its own updates (a duplicate's go to its original)."""
    return not submission.is_hidden and submission.status != Status.DUPLICATE


def can_support(submission: Submission) -> bool:
    """"Me too" is for a public report the city still works on."""
    return not submission.is_hidden and submission.status in OPEN_STATUSES


def _follower(submission: Submission, email: str, language: str) -> Follower:
    """The row for this address and report, created if missing; a concurrent creation is found, not duplicated."""
    query = select(Follower).where(Follower.submission_id == submission.id, Follower.email == email)
    if (follower := db.session.scalar(query)) is not None:
        return follower
    try:
        with db.session.begin_nested():
            follower = Follower(submission_id=submission.id, email=email, language=language)
            db.session.add(follower)
    except IntegrityError:  # the same address asked at the same moment: theirs is the row
        return db.session.scalars(query).one()
    return follower


def request_follow(submission: Submission, email: str, language: str) -> Follower | None:
    """Write the follower (unconfirmed) and queue the confirmation e-mail; None when nothing is sent.

    At most one confirmation per address, report and day (the outbox key); an address already following gets none.
    The message's unsubscribe link stops all mail to the address, for whoever did not ask for it.
    """
    if not can_follow(submission):
        raise ValueError("this report cannot be followed")
    follower = _follower(submission, normalized_email(email), language)
    if is_following(follower):
        return None
    follower.language = language
    db.session.flush()
    token = make_token(FOLLOW_TOKEN, follower=follower.id, email=follower.email)
    link = external_url("following.confirm", token=token)
    # Never the tracking code: it is the filer's key to their report (reopen), not public.
    subject = _l("Confirm that you want to follow “%(title)s”", title=submission.public_title[:80])
    subject, text, html = render("email/follow_confirm", language, subject, submission=submission,
                                      link=link, max_days=int(current_app.config["FOLLOW_CONFIRM_MAX_AGE"]) // 86400,
                                      public_link=external_url("main.public_detail", submission_id=submission.id))
    day = city_today().isoformat()
    notification = outbox.enqueue(channel=Channel.EMAIL, recipient=follower.email, kind=CONFIRM_KIND,
                                  language=language, subject=subject, text=text, html=html,
                                  key=f"follow-confirm:{follower.id}:{day}", submission=submission,
                                  unsubscribe_scope=outbox.ALL)
    return follower if notification is not None else None


def follower_from_token(token: str) -> Follower | None:
    """The follower a confirmation link names; raises BadToken when tampered with or too old."""
    data = read_token(FOLLOW_TOKEN, token, max_age=int(current_app.config["FOLLOW_CONFIRM_MAX_AGE"]))
    follower = db.session.get(Follower, int(data.get("follower", 0)))
    if follower is None or follower.email != data.get("email"):
        return None
    return follower


def confirm(follower: Follower) -> Follower:
    """The address proved it asked: it follows the report from now on, even if it unsubscribed from it before."""
    if not can_follow(follower.submission):
        raise ValueError("this report cannot be followed")
    _start_following(follower)
    return follower


def is_following(follower: Follower) -> bool:
    """Confirmed, and not unsubscribed from this report or from everything since."""
    return follower.confirmed_at is not None and not outbox.is_suppressed(
        Channel.EMAIL, follower.email, scope_of(follower.submission_id))


def _start_following(follower: Follower) -> None:
    follower.confirmed_at = follower.confirmed_at or utcnow()
    db.session.flush()
    # An earlier unsubscribe from this report would silence what the resident just asked for again.
    outbox.lift_suppression(Channel.EMAIL, follower.email, scope_of(follower.submission_id))


def follow_confirmed(submission: Submission, email: str, language: str) -> Follower:
    """Follow without a confirmation message: for a resident moved from a duplicate to its original (they
    already proved the address by filing)."""
    follower = _follower(submission, normalized_email(email), language)
    if follower.confirmed_at is None:
        follower.language = language
        follower.confirmed_at = utcnow()
        db.session.flush()
    return follower


def confirmed_followers(submission: Submission) -> list[Follower]:
    """Who gets the report's public updates: confirmed, still subscribed, and not the resident who filed it
    (that address hears from the report itself, once)."""
    suppressed = exists().where(Suppression.channel == Channel.EMAIL, Suppression.recipient == Follower.email,
                                or_(Suppression.scope == outbox.ALL, Suppression.scope == scope_of(submission.id)))
    query = select(Follower).where(Follower.submission_id == submission.id, Follower.confirmed_at.is_not(None),
                                   ~suppressed).order_by(Follower.id)
    filer = normalized_email(submission.contact_email or "")
    return [follower for follower in db.session.scalars(query) if follower.email != filer]


def _keyed_hash(kind: str, value: str) -> str:
    """An HMAC of a browser id or network: counts repeats without keeping either value."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def support(submission: Submission, browser_id: str, network: str) -> bool:
    """Count one "me too" per browser and report, at most SUPPORT_PER_NETWORK per network and report.

    The counter is raised by a plain UPDATE: a resident's click never bumps the version staff act on.
    """
    if not can_support(submission):
        raise ValueError("this report cannot be supported")
    network_hash = _keyed_hash("network", network)
    from_network = db.session.scalar(select(func.count(Supporter.id)).where(
        Supporter.submission_id == submission.id, Supporter.network_hash == network_hash))
    if (from_network or 0) >= int(current_app.config["SUPPORT_PER_NETWORK"]):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Supporter(submission_id=submission.id, browser_hash=_keyed_hash("browser", browser_id),
                                     network_hash=network_hash))
    except IntegrityError:  # this browser already said "me too" (or just did, in another tab)
        return False
    table = cast(sa.Table, Submission.__table__)  # Core: the ORM would bump the version
    db.session.execute(update(table).where(table.c.id == submission.id)
                       .values(supporter_count=table.c.supporter_count + 1))
    return True
