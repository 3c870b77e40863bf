"""New submission events become outbox rows in the same transaction: the resident's and followers' messages.

Flushed `SubmissionEvent` rows are collected after each flush (their ids exist then) and turned into messages just
before the transaction commits, so an event and the messages it causes are committed together or not at all.
`outbox.enqueue` flushes, which a flush listener may not do: hence before_commit rather than after_flush_postexec.
"""
import hashlib
import logging
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event as sa_event
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from gwangju_civic.extensions import db
from gwangju_civic.following import alerts
from gwangju_civic.following.operations import confirmed_followers, follow_confirmed, scope_of
from gwangju_civic.labels import STATUS_LABELS
from gwangju_civic.links import external_url
from gwangju_civic.models import Channel, Status, Submission, SubmissionEvent
from gwangju_civic.notifications import outbox
from gwangju_civic.notifications.fixed import answer_deadline, fixed_token
from gwangju_civic.notifications.messages import (
    FIXED,
    FOLLOWER_MERGED,
    FOLLOWER_STATUS,
    FOLLOWER_UPDATE,
    MERGED,
    RECEIPT,
    STATUS,
    UPDATE,
    Message,
    compose_email,
    compose_sms,
)

log = logging.getLogger(__name__)
EXTENSION = "notification_triggers"
PENDING, BUSY = "notify_events", "notify_events_busy"  # Session.info keys
# The router's and the system's own moves right after filing: the receipt already tells the resident.
FILING_STEPS = {("router", Status.ROUTED), ("router", Status.NEEDS_TRIAGE), ("system", Status.NEEDS_TRIAGE)}


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = True


@sa_event.listens_for(Session, "after_flush")
def _collect(session: Session, flush_context: Any) -> None:
    new = [obj for obj in session.new if isinstance(obj, SubmissionEvent)]
    if new:
        session.info.setdefault(PENDING, []).extend(new)


@sa_event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction: Any) -> None:
    """Events a rollback undid cause nothing (those of an outer transaction still open are kept)."""
    if PENDING in session.info:
        session.info[PENDING] = [event for event in session.info[PENDING] if inspect(event).persistent]


@sa_event.listens_for(Session, "before_commit")
def _notify_pending(session: Session) -> None:
    if session.info.get(BUSY) or not has_app_context() or not current_app.extensions.get(EXTENSION):
        return
    if not db.session.registry.has() or db.session.registry() is not session:
        return  # not the app's session: the outbox writes to the app's session only
    session.info[BUSY] = True  # enqueue's savepoints commit too; they must not start this again
    try:
        session.flush()  # events added since the last flush are collected as well
        while pending := session.info.pop(PENDING, None):
            for event in sorted((e for e in pending if inspect(e).persistent), key=lambda e: e.id):
                notify(event)
            session.flush()
    finally:
        session.info.pop(BUSY, None)


def notify(event: SubmissionEvent) -> None:
    """Every message one new event causes: the resident's, the followers', and the staff alerts (a job writes
    those: `alerts.staff_messages_for`).

    A failure to compose (a template, a translation) is logged and the event still commits; a database error
    is raised, since the transaction cannot commit anyway.
    """
    for step in (_to_resident, _to_followers, alerts.staff_messages_for):
        try:
            step(event)
        except SQLAlchemyError:
            raise
        except Exception:
            log.exception("messages for event %s (%s) could not be written", event.id, event.action)


def new_status(event: SubmissionEvent) -> Status | None:
    """The status a public status change reached, unless it is one of the filing's own automatic steps."""
    if event.action != "status_changed" or not event.is_public or event.new_value is None:
        return None
    status = Status(event.new_value)
    return None if (event.actor, status) in FILING_STEPS else status


def resident_kind(event: SubmissionEvent) -> str | None:
    """The message the resident gets for this event, if any: public events only, and not what they did themselves."""
    if not event.is_public:
        return None
    if event.action == "created":
        return RECEIPT
    if event.action == "public_update":
        return UPDATE if event.public_message else None
    status = new_status(event)
    if status is None or event.actor == "citizen":
        return None
    if status == Status.RESOLVED and event.submission.status == Status.RESOLVED:
        return FIXED
    if status == Status.DUPLICATE and event.submission.duplicate_of is not None:
        return MERGED
    return STATUS


def follower_kind(event: SubmissionEvent) -> str | None:
    """What followers of a public report hear: its public updates and status changes (and a merge)."""
    if not event.is_public or event.submission.is_hidden:
        return None
    if event.action == "public_update":
        return FOLLOWER_UPDATE if event.public_message else None
    status = new_status(event)
    if status is None:
        return None
    if status == Status.DUPLICATE and event.submission.duplicate_of is not None:
        return FOLLOWER_MERGED
    return FOLLOWER_STATUS


def _to_resident(event: SubmissionEvent) -> None:
    submission = event.submission
    kind = resident_kind(event)
    if kind is None or submission.is_anonymous:
        return
    context = resident_context(kind, submission, event)
    if submission.contact_email:
        _enqueue(Channel.EMAIL, submission.contact_email, compose_email(kind, submission.language, **context),
                 submission, event)
    if submission.contact_phone:
        _enqueue(Channel.SMS, submission.contact_phone, compose_sms(kind, submission.language, **context),
                 submission, event)
    if kind == MERGED and submission.contact_email and submission.duplicate_of is not None:
        follow_confirmed(submission.duplicate_of, submission.contact_email, submission.language)


def _to_followers(event: SubmissionEvent) -> None:
    submission = event.submission
    kind = follower_kind(event)
    if kind is None:
        return
    followers = confirmed_followers(submission)
    context = public_context(submission, event)
    if kind == FOLLOWER_MERGED and (original := submission.duplicate_of) is not None:
        for follower in followers:  # they follow the report that now carries the issue
            follow_confirmed(original, follower.email, follower.language)
        if original.is_hidden:
            return  # no public page to send them to; the original's public updates reach them if it is shown
        context |= original_context(original)
    for follower in followers:
        _enqueue(Channel.EMAIL, follower.email, compose_email(kind, follower.language, **context), submission, event)


def resident_context(kind: str, submission: Submission, event: SubmissionEvent) -> dict[str, Any]:
    """What the resident's message may say: their code and link, and the report's public (masked) copies only."""
    context: dict[str, Any] = {
        "code": submission.tracking_code,
        "title": None if submission.is_hidden else submission.public_title,
        "tracking_url": external_url("intake.track", code=submission.tracking_code),
        "status": status_label(event),
        "message": event.public_message,
    }
    if kind == FIXED:
        token = fixed_token(event)
        context |= {"yes_url": external_url("fixed.yes", token=token),
                    "no_url": external_url("fixed.no", token=token),
                    "deadline": answer_deadline(submission)}
    if kind == MERGED and submission.duplicate_of is not None:
        context |= original_context(submission.duplicate_of)
    return context


def public_context(submission: Submission, event: SubmissionEvent) -> dict[str, Any]:
    """What a follower's message may say: the public number, page and masked copies; never the tracking code."""
    return {
        "number": submission.id,
        "title": submission.public_title,
        "public_url": external_url("main.public_detail", submission_id=submission.id),
        "status": status_label(event),
        "message": event.public_message,
    }


def original_context(original: Submission) -> dict[str, Any]:
    """The report a duplicate now follows: its public number, and its page and title unless moderation hid it."""
    return {
        "original_number": original.id,
        "original_title": None if original.is_hidden else original.public_title,
        "original_url": None if original.is_hidden else external_url("main.public_detail", submission_id=original.id),
    }


def status_label(event: SubmissionEvent) -> Any:
    """The new status's label, translated when the message is rendered (it is a lazy string)."""
    status = new_status(event)
    return None if status is None else STATUS_LABELS[status]


def message_key(event: SubmissionEvent, channel: Channel, recipient: str) -> str:
    """One message per event, recipient and channel, however often the event is looked at."""
    digest = hashlib.sha256(outbox.normalized(channel, recipient).encode()).hexdigest()[:32]
    return f"event:{event.id}:{channel.value}:{digest}"


def _enqueue(channel: Channel, recipient: str, message: Message, submission: Submission,
             event: SubmissionEvent) -> None:
    outbox.enqueue(channel=channel, recipient=recipient, kind=message.kind, language=message.language,
                   subject=message.subject, text=message.text, html=message.html,
                   key=message_key(event, channel, recipient), submission=submission, event=event,
                   unsubscribe_scope=scope_of(submission.id))
