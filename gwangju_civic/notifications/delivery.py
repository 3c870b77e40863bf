"""Delivery by the job worker: claim an outbox row under a lease, send it, mark it sent, or retry with backoff.

At least once: a worker that dies after the provider accepted a message but before the row is marked sent
leaves the row `sending`; when its lease lapses another worker sends it again, with the same Message-ID
(e-mail) or `id` (SMS gateway) so the receiving side can drop the copy. See docs/notifications.md.
"""
import logging
from datetime import timedelta
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import and_, exists, or_, select, update

from gwangju_civic.extensions import db
from gwangju_civic.jobs import runs
from gwangju_civic.models import Channel, DeliveryState, Notification, utcnow
from gwangju_civic.notifications.outbox import NOTIFY_KIND

log = logging.getLogger("gwangju_civic.notifications")
BATCH = 200  # due rows one "pending" job delivers; the scheduler queues another a minute later if more wait


def _due(now: Any) -> sa.ColumnElement[bool]:
    """Queued rows whose time came, and sending rows whose worker's lease lapsed (it died mid-send)."""
    return or_(and_(Notification.state == DeliveryState.QUEUED, Notification.next_attempt_at <= now),
               and_(Notification.state == DeliveryState.SENDING, Notification.next_attempt_at < now))


def notifications_due() -> bool:
    """Whether any row waits for delivery now (the scheduler's cheap check, every minute)."""
    return bool(db.session.scalar(select(exists().where(_due(utcnow())))))


def backoff(attempt: int) -> float:
    """Seconds before the retry after failed attempt `attempt`: 30 s, then doubling, at most 24 h."""
    config = current_app.config
    return float(min(config["NOTIFY_RETRY_SECONDS"] * 2 ** (attempt - 1), config["NOTIFY_RETRY_MAX_SECONDS"]))


def _changed(statement: sa.Executable) -> int:
    return cast(sa.CursorResult[Any], db.session.execute(statement)).rowcount


def claim(notification_id: int) -> Notification | None:
    """Mark the row sending under a lease if it is due; one worker wins, the others get None. Commits."""
    now = utcnow()
    lease = timedelta(seconds=float(current_app.config["NOTIFY_LEASE_SECONDS"]))
    claimed = _changed(update(Notification).where(Notification.id == notification_id, _due(now)).values(
        state=DeliveryState.SENDING, attempts=Notification.attempts + 1, next_attempt_at=now + lease))
    db.session.commit()
    return db.session.get(Notification, notification_id, populate_existing=True) if claimed else None


def send(notification: Notification) -> None:
    """Hand the message to its channel's sender; raises when the provider did not accept it."""
    from gwangju_civic.notifications import email, sms

    if notification.channel == Channel.EMAIL:
        email.send(notification)
    else:
        sms.send(notification)


def deliver(notification_id: int) -> str:
    """Claim, send and record one row; a failure is recorded on the row (not raised) and retried later."""
    notification = claim(notification_id)
    if notification is None:
        return "skipped"  # sent, failed, not yet due, or held by another worker
    attempt = notification.attempts
    try:
        send(notification)
    except Exception as error:  # any provider or network failure: the row keeps it and is retried
        db.session.rollback()
        return _failed(notification_id, attempt, f"{type(error).__name__}: {error}")
    now = utcnow()
    if not _changed(update(Notification).where(
            Notification.id == notification_id, Notification.state == DeliveryState.SENDING,
            Notification.attempts == attempt).values(state=DeliveryState.SENT, sent_at=now, next_attempt_at=now,
                                                     last_error=None)):
        log.warning("notification %s sent after its lease lapsed", notification_id)
    db.session.commit()
    log.info("notification sent", extra={"notification_id": notification_id, "attempt": attempt})
    return "sent"


def _failed(notification_id: int, attempt: int, error: str) -> str:
    """Queue the row again after the backoff, or leave it failed with its error after NOTIFY_MAX_ATTEMPTS."""
    retry = attempt < int(current_app.config["NOTIFY_MAX_ATTEMPTS"])
    delay = backoff(attempt)
    now = utcnow()
    _changed(update(Notification).where(
        Notification.id == notification_id, Notification.state == DeliveryState.SENDING,
        Notification.attempts == attempt).values(
        state=DeliveryState.QUEUED if retry else DeliveryState.FAILED, last_error=error[:2000],
        next_attempt_at=now + timedelta(seconds=delay) if retry else now))
    db.session.commit()
    log.warning("notification not sent", extra={"notification_id": notification_id, "attempt": attempt,
                                                 "error": error[:300], "retry": retry})
    if retry:
        _retry_later(notification_id, attempt, delay)
        return f"retry in {delay:.0f} s: {error[:200]}"
    return f"failed: {error[:200]}"


def _retry_later(notification_id: int, attempt: int, delay: float) -> None:
    """A job run that fires when the retry is due; if its message is lost, the scheduler's scan still finds it."""
    try:
        runs.submit(NOTIFY_KIND, f"notification:{notification_id}:retry:{attempt}", delay=delay,
                    notification_id=notification_id)
        db.session.commit()
    except Exception as error:  # the database is down: the row is queued, the scheduler's scan delivers it
        db.session.rollback()
        log.warning("retry of notification %s not scheduled: %s", notification_id, error)


def deliver_due(limit: int = BATCH) -> dict[str, int]:
    """Deliver rows that are due (retries, rows whose message was lost, rows a dead worker left sending)."""
    ids = db.session.scalars(select(Notification.id).where(_due(utcnow()))
                             .order_by(Notification.next_attempt_at).limit(limit)).all()
    db.session.commit()
    outcomes: dict[str, int] = {}
    for notification_id in ids:
        outcome = deliver(notification_id).split(" ", 1)[0].rstrip(":")
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def deliver_job(args: dict[str, Any]) -> str:
    """The "notify" job: one named row, or every due row."""
    if "notification_id" in args:
        return deliver(int(args["notification_id"]))
    outcomes = deliver_due()
    return ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items())) or "nothing due"
