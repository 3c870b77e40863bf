"""Writing to the outbox: one row per message, in the transaction of the event that causes it, never twice."""
import re

from sqlalchemy import delete, select

from gwangju_civic.database import upsert_insert
from gwangju_civic.extensions import db
from gwangju_civic.models import (
    Channel,
    DeliveryState,
    Notification,
    Submission,
    SubmissionEvent,
    Suppression,
    User,
)

NOTIFY_KIND = "notify"  # the job kind that delivers outbox rows (gwangju_civic/notifications/delivery.py)
ALL = "all"  # the suppression scope that stops every message carrying an unsubscribe link


def normalized(channel: Channel, recipient: str) -> str:
    """One spelling per address: e-mail lower-cased, phone numbers as digits (and a leading +)."""
    recipient = recipient.strip()
    if channel == Channel.EMAIL:
        return recipient.lower()
    return ("+" if recipient.startswith("+") else "") + re.sub(r"\D", "", recipient)


def is_suppressed(channel: Channel, recipient: str, scope: str) -> bool:
    """Whether the recipient unsubscribed from `scope` or from everything."""
    return db.session.scalar(select(Suppression.id).where(
        Suppression.channel == channel, Suppression.recipient == normalized(channel, recipient),
        Suppression.scope.in_((scope, ALL))).limit(1)) is not None


def enqueue(*, channel: Channel, recipient: str, kind: str, language: str, subject: str, text: str,
            key: str, html: str | None = None, submission: Submission | None = None,
            event: SubmissionEvent | None = None, user: User | None = None,
            unsubscribe_scope: str | None = None) -> Notification | None:
    """Write one message to the outbox in the caller's transaction (flushes; never commits); None when the key
    already exists or the recipient has unsubscribed from `unsubscribe_scope` (e.g. f"submission:{id}" or "all").
    Delivery is queued when the caller commits. For e-mail with unsubscribe_scope set, it adds List-Unsubscribe
    and List-Unsubscribe-Post headers and the unsubscribe link (the footer is added by the outbox, not the caller)."""
    from gwangju_civic.jobs.runs import submit

    channel = Channel(channel)
    address = normalized(channel, recipient)
    if not address or (unsubscribe_scope and is_suppressed(channel, address, unsubscribe_scope)):
        return None
    db.session.flush()  # the submission, event or user passed in get their ids
    insert = upsert_insert()
    notification_id = db.session.scalar(
        insert(Notification).values(
            channel=channel, recipient=address, language=language, kind=kind, subject=subject[:300],
            body_text=text, body_html=html, unsubscribe_scope=unsubscribe_scope, idempotency_key=key[:200],
            submission_id=submission.id if submission else (event.submission_id if event else None),
            event_id=event.id if event else None, user_id=user.id if user else None,
            state=DeliveryState.QUEUED)
        .on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(Notification.id))
    if notification_id is None:  # written before: by an earlier attempt of the same work, or a replayed event
        return None
    submit(NOTIFY_KIND, f"notification:{notification_id}", notification_id=notification_id)
    return db.session.get_one(Notification, notification_id)


def lift_suppression(channel: Channel, recipient: str, scope: str) -> None:
    """Forget an opt-out the recipient takes back (they confirmed following the report again); flushes."""
    db.session.execute(delete(Suppression).where(
        Suppression.channel == channel, Suppression.recipient == normalized(channel, recipient),
        Suppression.scope == scope))
