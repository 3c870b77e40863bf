"""Reading campaigns and donations: open campaigns with progress, the review queue, participation figures."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from gwangju_civic.extensions import db
from gwangju_civic.models import (
    Campaign,
    CampaignStatus,
    Donation,
    DonationExport,
    DonationStatus,
    DonationWithdrawal,
)

COUNTED = (DonationStatus.PENDING_REVIEW, DonationStatus.ACCEPTED)


def progress(campaign_ids: list[int]) -> dict[int, int]:
    """Donations that count towards each campaign's target: consented and not rejected."""
    if not campaign_ids:
        return {}
    query = (select(Donation.campaign_id, func.count()).where(Donation.campaign_id.in_(campaign_ids),
                                                              Donation.status.in_(COUNTED))
             .group_by(Donation.campaign_id))
    return {campaign_id: count for campaign_id, count in db.session.execute(query).all()}


def open_campaigns(today: date) -> list[Campaign]:
    query = select(Campaign).where(Campaign.status == CampaignStatus.OPEN, Campaign.opens_on <= today,
                                   Campaign.closes_on >= today).order_by(Campaign.closes_on, Campaign.id)
    return list(db.session.scalars(query))


def open_campaign_or_404(campaign_id: int, today: date) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or not campaign.is_open_on(today):
        abort(404)
    return campaign


def visible_campaigns() -> Select[tuple[Campaign]]:
    """Officers see their department's campaigns; admins and triagers see all."""
    query = select(Campaign).order_by(Campaign.status, Campaign.closes_on.desc(), Campaign.id.desc())
    if current_user.sees_all_departments:
        return query
    return query.where(Campaign.department_id == current_user.department_id)


def visible_campaign_or_404(campaign_id: int) -> Campaign:
    """404 rather than 403 for another department's campaign, as for submissions."""
    return db.session.scalar(visible_campaigns().where(Campaign.id == campaign_id)) or abort(404)


def donation_of_or_404(campaign: Campaign, donation_id: int) -> Donation:
    donation = db.session.scalar(
        select(Donation).where(Donation.id == donation_id, Donation.campaign_id == campaign.id)
        .options(selectinload(Donation.files), selectinload(Donation.consent_version))
    )
    return donation or abort(404)


def review_queue(campaign: Campaign, status: str | None, off_topic_only: bool) -> list[Donation]:
    """Waiting donations first, flagged off-topic ones first among them, oldest first."""
    query = (select(Donation).where(Donation.campaign_id == campaign.id)
             .options(selectinload(Donation.consent_version))
             .order_by(Donation.status != DonationStatus.PENDING_REVIEW, Donation.off_topic.desc(),
                       Donation.created_at))
    if status:
        query = query.where(Donation.status == DonationStatus(status))
    if off_topic_only:
        query = query.where(Donation.off_topic.is_(True))
    return list(db.session.scalars(query))


def exportable(campaign: Campaign) -> list[Donation]:
    """Accepted donations (withdrawn ones no longer exist), oldest first, with their files."""
    query = (select(Donation).where(Donation.campaign_id == campaign.id, Donation.status == DonationStatus.ACCEPTED)
             .options(selectinload(Donation.files), selectinload(Donation.consent_version))
             .order_by(Donation.created_at, Donation.id))
    return list(db.session.scalars(query))


def exports(campaign: Campaign) -> list[DonationExport]:
    query = select(DonationExport).where(DonationExport.campaign_id == campaign.id).order_by(DonationExport.id.desc())
    return list(db.session.scalars(query))


@dataclass
class Participation:
    """A campaign's figures for staff: by status, rows given, flags, withdrawals and donations per day."""

    by_status: Counter = field(default_factory=Counter)
    rows: int = 0
    off_topic: int = 0
    withdrawn: int = 0
    per_day: list[tuple[date, int]] = field(default_factory=list)
    masked: Counter = field(default_factory=Counter)

    @property
    def counted(self) -> int:
        return sum(self.by_status[s] for s in COUNTED)


def participation(campaign: Campaign) -> Participation:
    result = Participation()
    donations = db.session.execute(
        select(Donation.status, Donation.row_count, Donation.off_topic, Donation.created_at, Donation.masked_counts)
        .where(Donation.campaign_id == campaign.id)
    ).all()
    per_day: Counter = Counter()
    for status, rows, off_topic, created_at, masked in donations:
        result.by_status[status] += 1
        result.rows += rows
        result.off_topic += int(off_topic)
        result.masked.update(masked or {})
        per_day[created_at.date()] += 1
    result.per_day = sorted(per_day.items())
    result.withdrawn = db.session.scalar(
        select(func.count()).select_from(DonationWithdrawal).where(DonationWithdrawal.campaign_id == campaign.id)
    ) or 0
    return result
