"""Residents who follow a public report by e-mail, and the "me too" supporters of a report."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gwangju_civic.models.base import Base, utcnow
from gwangju_civic.models.submissions import Submission


class Follower(Base):
    """An e-mail address that asked for a report's public updates; only a confirmed one receives them."""

    __tablename__ = "followers"
    __table_args__ = (sa.UniqueConstraint("submission_id", "email", name="uq_followers_submission_id_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    # Lower-cased and stripped, so one address follows a report once.
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    language: Mapped[str] = mapped_column(sa.String(8))
    # Set by the confirmation link (double opt-in), or at once for a resident moved from a duplicate. Whether the
    # address later unsubscribed is the outbox's record (notification_suppressions), kept in one place.
    confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship()


class Supporter(Base):
    """One "me too": a browser (its random id, signed in a cookie) supports a report at most once.

    Neither value is stored in clear: both are keyed hashes, so the table holds no address or cookie.
    """

    __tablename__ = "supporters"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "browser_hash", name="uq_supporters_submission_id_browser_hash"),
        # How many supporters one network already gave a report: the cap on cleared-cookie repeats.
        sa.Index("ix_supporters_submission_id_network_hash", "submission_id", "network_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"))
    browser_hash: Mapped[str] = mapped_column(sa.String(64))
    network_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
