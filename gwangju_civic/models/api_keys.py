"""Keys that let city systems and civic apps file reports through Open311, and what such a client sent."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gwangju_civic.models.base import Base, utcnow
from gwangju_civic.models.submissions import Submission


class ApiKey(Base):
    """A client's key, kept only as its SHA-256 (keys are long random strings, so a fast hash is enough)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The key's first characters, so staff can tell keys apart without the key itself.
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiReport(Base):
    """What an API client sent with a report beyond its text and place: staff-only, never on a public surface."""

    __tablename__ = "api_reports"

    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), primary_key=True)
    api_key_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_keys.id"), index=True)
    # SHA-256 of the token a client got for a report spooled during a database outage (tokens/{token}).
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    service_code: Mapped[str] = mapped_column(sa.String(40))
    # first_name, last_name, device_id, account_id, address_id: whatever the client sent of them.
    contact: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    attributes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    media_url: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship()
    api_key: Mapped[ApiKey | None] = relationship()
