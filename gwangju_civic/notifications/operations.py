"""Service functions of the notifications capability: opt-outs, and what staff see of a report's messages."""
from collections.abc import Sequence

from sqlalchemy import select, update

from gwangju_civic.database import upsert_insert
from gwangju_civic.extensions import db
from gwangju_civic.models import Channel, DeliveryState, Notification, Submission, Suppression
from gwangju_civic.notifications.outbox import ALL, normalized


def unsubscribe(channel: Channel, recipient: str, scope: str) -> None:
    """Record the opt-out (again is harmless) and drop queued messages it covers; flushes."""
    address = normalized(channel, recipient)
    insert = upsert_insert()
    db.session.execute(insert(Suppression).values(channel=channel, recipient=address, scope=scope)
                       .on_conflict_do_nothing(index_elements=["channel", "recipient", "scope"]))
    covered = Notification.unsubscribe_scope.is_not(None) if scope == ALL else Notification.unsubscribe_scope == scope
    db.session.execute(update(Notification).where(
        Notification.channel == channel, Notification.recipient == address, covered,
        Notification.state == DeliveryState.QUEUED).values(state=DeliveryState.FAILED, last_error="unsubscribed"))
    db.session.flush()


def messages_for(submission: Submission) -> Sequence[Notification]:
    """Every outbox row about a submission, newest first, for its staff detail page."""
    return db.session.scalars(select(Notification).where(Notification.submission_id == submission.id)
                              .order_by(Notification.id.desc())).all()

