"""What residents file, the photos they attach, and the append-only trail of what happened to it."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gwangju_civic.models.base import Base, str_enum, utcnow
from gwangju_civic.models.enums import Status, SubmissionKind, Urgency
from gwangju_civic.models.taxonomy import Category, Department, PlanPriority
from gwangju_civic.models.users import User
from gwangju_civic.privacy import public_text

# The longest description a resident may send, and so the longest public copy staff may write.
DESCRIPTION_MAX_LENGTH = 5000
# Moderation events that hide or show one public update again; new_value holds the update's event id.
UPDATE_HIDDEN, UPDATE_SHOWN = "update_hidden", "update_shown"


def masked_copy_of(column: str) -> Callable[[DefaultExecutionContext], str | None]:
    """A column default: the text of `column` in the same INSERT, with personal data masked for public pages."""

    def default(context: DefaultExecutionContext) -> str | None:
        return public_text(context.get_current_parameters().get(column))

    return default


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (
        sa.Index("ix_submissions_status_created_at", "status", "created_at"),
        # Covering indexes: the dashboard's counts and backlog are answered from the index alone.
        sa.Index("ix_submissions_dashboard", "department_id", "status", "urgency", "plan_priority_id",
                 "routing_outcome"),
        sa.Index("ix_submissions_backlog", "created_at", "status", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    kind: Mapped[SubmissionKind] = mapped_column(str_enum(SubmissionKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(8))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    address: Mapped[str | None] = mapped_column(sa.String(300))
    # The gu the point lies in (gwangju_civic/geo), set at intake; None without a point.
    district_code: Mapped[str | None] = mapped_column(sa.String(5), index=True)
    # What public pages show and search: masked when written, edited by staff when they redact.
    public_title: Mapped[str] = mapped_column(sa.Text, default=masked_copy_of("title"))
    public_description: Mapped[str] = mapped_column(sa.Text, default=masked_copy_of("description"))
    public_address: Mapped[str | None] = mapped_column(sa.Text, default=masked_copy_of("address"))
    # Moderated away from public pages; the resident's tracking page still shows the status.
    is_hidden: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    is_anonymous: Mapped[bool] = mapped_column(default=False)
    status: Mapped[Status] = mapped_column(str_enum(Status), default=Status.NEW)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("categories.id"), index=True)
    plan_priority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plan_priorities.id"))
    urgency: Mapped[Urgency | None] = mapped_column(str_enum(Urgency))
    due_at: Mapped[datetime | None]
    routing_confidence: Mapped[float | None]
    routing: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # accepted / corrected: whether staff kept the router's decision (the dashboard's agreement figure)
    routing_outcome: Mapped[str | None] = mapped_column(sa.String(12))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The Open311 key that filed it (gwangju_civic/api/open311); None for the web form.
    api_key_id: Mapped[int | None] = mapped_column(sa.ForeignKey("api_keys.id"), index=True)
    # "Me too" supporters (following/operations.py); changed by a plain UPDATE that leaves `version` alone.
    supporter_count: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic locking: every UPDATE checks and bumps it, so two staff acting on one page cannot both win.
    version: Mapped[int] = mapped_column(server_default=sa.text("1"))
    __mapper_args__ = {"version_id_col": version}

    department: Mapped[Department | None] = relationship()
    category: Mapped[Category | None] = relationship()
    plan_priority: Mapped[PlanPriority | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    duplicate_of: Mapped[Submission | None] = relationship(remote_side=[id])
    photos: Mapped[list[Photo]] = relationship(
        back_populates="submission", order_by="Photo.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[SubmissionEvent]] = relationship(
        back_populates="submission", order_by="SubmissionEvent.id"
    )

    @property
    def hidden_update_ids(self) -> set[int]:
        """Public updates that moderation took off public pages (and did not show again)."""
        hidden: set[int] = set()
        for event in self.events:
            if event.action == UPDATE_HIDDEN and event.new_value:
                hidden.add(int(event.new_value))
            elif event.action == UPDATE_SHOWN and event.new_value:
                hidden.discard(int(event.new_value))
        return hidden

    @property
    def public_events(self) -> list[SubmissionEvent]:
        """The history public pages show (their messages as `public_message`): public, not hidden by moderation."""
        hidden = self.hidden_update_ids
        return [event for event in self.events if event.is_public and event.id not in hidden]

    @property
    def public_photos(self) -> list[Photo]:
        return [photo for photo in self.photos if not photo.is_hidden]


class SubmissionEmbedding(Base):
    """The text's sentence embedding, kept apart so the submissions table stays narrow and fast to scan."""

    __tablename__ = "submission_embeddings"

    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), primary_key=True)
    vector: Mapped[bytes] = mapped_column(sa.LargeBinary)
    model_version: Mapped[str] = mapped_column(sa.String(80))


class Photo(Base):
    """A stored photo: re-encoded without metadata, under a random file name."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_hidden: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    submission: Mapped[Submission] = relationship(back_populates="photos")


class SubmissionEvent(Base):
    """One change to a submission; rows are only ever added, never edited or removed."""

    __tablename__ = "submission_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(80))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(40))
    field: Mapped[str | None] = mapped_column(sa.String(40))
    old_value: Mapped[str | None] = mapped_column(sa.String(200))
    new_value: Mapped[str | None] = mapped_column(sa.String(200))
    message: Mapped[str | None] = mapped_column(sa.Text)
    # The message as public pages show it, personal data masked (staff updates, status reasons, reopen reasons).
    public_message: Mapped[str | None] = mapped_column(sa.Text, default=masked_copy_of("message"))
    is_public: Mapped[bool] = mapped_column(default=False)

    submission: Mapped[Submission] = relationship(back_populates="events")


@sa.event.listens_for(SubmissionEvent, "before_update")
@sa.event.listens_for(SubmissionEvent, "before_delete")
def _refuse_rewriting_history(mapper: Any, connection: Any, target: SubmissionEvent) -> None:
    raise ValueError("submission events are append-only")
