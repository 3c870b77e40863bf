"""Data-donation campaigns, the consent texts donors sign, what they gave, and what remains after withdrawal."""
from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gwangju_civic.models.base import Base, str_enum, utcnow
from gwangju_civic.models.taxonomy import Department, PlanPriority

DEFAULT_LICENCE = "CC-BY-4.0"


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class DonationKind(StrEnum):
    """What a campaign asks for: a table file, images, or answers to a short form."""

    CSV = "csv"
    JSON = "json"
    IMAGES = "images"
    FORM = "form"


class DonationStatus(StrEnum):
    """A consented donation waits for staff review; withdrawn ones are deleted, not given a status."""

    PENDING_REVIEW = "pending_review"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    title_ko: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    description_ko: Mapped[str] = mapped_column(sa.Text)
    description_en: Mapped[str] = mapped_column(sa.Text)
    plan_priority_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_priorities.id"))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    asks: Mapped[DonationKind] = mapped_column(str_enum(DonationKind))
    # [{"name": ..., "type": "string|integer|number|boolean|date", "required": bool}], or None: any columns
    column_schema: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)
    licence: Mapped[str] = mapped_column(sa.String(40), default=DEFAULT_LICENCE)
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    target_count: Mapped[int]
    status: Mapped[CampaignStatus] = mapped_column(str_enum(CampaignStatus), default=CampaignStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    plan_priority: Mapped[PlanPriority] = relationship()
    department: Mapped[Department] = relationship()
    consent_versions: Mapped[list[ConsentVersion]] = relationship(
        back_populates="campaign", order_by="ConsentVersion.version", cascade="all, delete-orphan"
    )

    def title(self, locale: str) -> str:
        return self.title_ko if locale == "ko" else self.title_en

    def description(self, locale: str) -> str:
        return self.description_ko if locale == "ko" else self.description_en

    @property
    def current_consent(self) -> ConsentVersion | None:
        return self.consent_versions[-1] if self.consent_versions else None

    def is_open_on(self, day: date) -> bool:
        return self.status == CampaignStatus.OPEN and self.opens_on <= day <= self.closes_on


class ConsentVersion(Base):
    """One wording of a campaign's consent text; once anyone has signed it, it is frozen."""

    __tablename__ = "consent_versions"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    version: Mapped[int]
    text_ko: Mapped[str] = mapped_column(sa.Text)
    text_en: Mapped[str] = mapped_column(sa.Text)
    created_by: Mapped[str] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_signed_at: Mapped[datetime | None]

    campaign: Mapped[Campaign] = relationship(back_populates="consent_versions")

    def text(self, locale: str) -> str:
        return self.text_ko if locale == "ko" else self.text_en

    @property
    def is_signed(self) -> bool:
        return self.first_signed_at is not None

    @property
    def digest(self) -> str:
        """Fingerprint of the wording: the consent form carries it, so a donor signs exactly what they read."""
        return hashlib.sha256(f"{self.text_ko}\x00{self.text_en}".encode()).hexdigest()[:32]


@sa.event.listens_for(ConsentVersion, "before_update")
def _refuse_rewording_signed_consent(mapper: Any, connection: Any, target: ConsentVersion) -> None:
    state = sa.inspect(target)
    signed_before = state.attrs.first_signed_at.history.deleted or [target.first_signed_at]
    reworded = state.attrs.text_ko.history.has_changes() or state.attrs.text_en.history.has_changes()
    if reworded and signed_before[0] is not None:
        raise ValueError("a signed consent version never changes; add a new version")


@sa.event.listens_for(ConsentVersion, "before_delete")
def _refuse_deleting_signed_consent(mapper: Any, connection: Any, target: ConsentVersion) -> None:
    if target.is_signed:
        raise ValueError("a signed consent version is never deleted")


class Donation(Base):
    """What a donor gave after seeing it masked and consenting; files live under DONATION_FOLDER/kept."""

    __tablename__ = "donations"
    __table_args__ = (sa.Index("ix_donations_campaign_status", "campaign_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"))
    consent_version_id: Mapped[int] = mapped_column(sa.ForeignKey("consent_versions.id"), index=True)
    # SHA-256 of the withdrawal code: the donor holds the code, the database cannot give it away.
    withdrawal_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The masked preview consented to: one preview gives at most one donation, however many requests race.
    consent_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[DonationKind] = mapped_column(str_enum(DonationKind))
    description: Mapped[str] = mapped_column(sa.Text)
    columns: Mapped[list[str] | None] = mapped_column(sa.JSON)
    row_count: Mapped[int] = mapped_column(default=0)
    # How many values of each kind were masked, e.g. {"email": 2, "coordinate": 10}: counts, never values.
    masked_counts: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=dict)
    fit_score: Mapped[float | None]  # None: not yet checked (check_pending_fits runs outside requests)
    off_topic: Mapped[bool] = mapped_column(default=False)
    status: Mapped[DonationStatus] = mapped_column(
        str_enum(DonationStatus), default=DonationStatus.PENDING_REVIEW
    )
    review_reason: Mapped[str | None] = mapped_column(sa.Text)
    reviewed_by: Mapped[str | None] = mapped_column(sa.String(80))
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    consent_version: Mapped[ConsentVersion] = relationship()
    files: Mapped[list[DonationFile]] = relationship(
        back_populates="donation", order_by="DonationFile.id", cascade="all, delete-orphan"
    )

    @property
    def data_file(self) -> DonationFile | None:
        return next((f for f in self.files if f.role == "data"), None)

    @property
    def images(self) -> list[DonationFile]:
        return [f for f in self.files if f.role == "image"]


class DonationFile(Base):
    """A kept file: the masked table as JSON, or an image re-encoded without metadata."""

    __tablename__ = "donation_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(sa.ForeignKey("donations.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(10))
    filename: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    size_bytes: Mapped[int]
    width: Mapped[int | None]
    height: Mapped[int | None]

    donation: Mapped[Donation] = relationship(back_populates="files")


class DonationWithdrawal(Base):
    """What remains of a withdrawn donation: that it existed and when, nothing the donor gave."""

    __tablename__ = "donation_withdrawals"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    consent_version_id: Mapped[int] = mapped_column(sa.ForeignKey("consent_versions.id"))
    donation_id: Mapped[int]
    status_at_withdrawal: Mapped[DonationStatus] = mapped_column(str_enum(DonationStatus))
    row_count: Mapped[int]
    file_count: Mapped[int]
    stale_exports: Mapped[int] = mapped_column(default=0)
    donated_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime] = mapped_column(default=utcnow)


class DonationExport(Base):
    """An open-data ZIP built from a campaign's accepted donations; stale once one of them leaves."""

    __tablename__ = "donation_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    filename: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    donation_ids: Mapped[list[int]] = mapped_column(sa.JSON)
    row_count: Mapped[int]
    size_bytes: Mapped[int]
    created_by: Mapped[str] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    stale: Mapped[bool] = mapped_column(default=False)
    stale_reason: Mapped[str | None] = mapped_column(sa.String(20))  # "withdrawn" or "rejected"
