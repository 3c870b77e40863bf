"""The outbox: every message to a resident or officer, written with the event that causes it, and opt-outs."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gwangju_civic.models.base import Base, str_enum, utcnow


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"


class DeliveryState(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Notification(Base):
    """One message in the outbox; the idempotency key makes writing it twice, or sending it twice, a no-op."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The worker's scan for due rows: queued ones whose time came, sending ones whose lease lapsed.
        sa.Index("ix_notifications_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(8))
    kind: Mapped[str] = mapped_column(sa.String(40))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    # What an unsubscribe link in this message stops ("all", "submission:42"); None: no link (e.g. confirmations).
    unsubscribe_scope: Mapped[str | None] = mapped_column(sa.String(100))
    submission_id: Mapped[int | None] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("submission_events.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    state: Mapped[DeliveryState] = mapped_column(str_enum(DeliveryState), default=DeliveryState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    # When a queued row is due (retries back off), or until when a sending row's worker holds it.
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def masked_recipient(self) -> str:
        """Enough of the address for staff to recognize it: k***@example.org, 010****5678."""
        if self.channel == Channel.EMAIL:
            local, _, domain = self.recipient.partition("@")
            return f"{local[:1]}***@{domain}"
        return f"{self.recipient[:3]}****{self.recipient[-4:]}" if len(self.recipient) >= 8 else "****"


class Suppression(Base):
    """A recipient who unsubscribed: from one report's messages ("submission:42") or from everything ("all")."""

    __tablename__ = "notification_suppressions"
    __table_args__ = (sa.UniqueConstraint("channel", "recipient", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    scope: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
