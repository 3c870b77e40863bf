"""Create and change campaigns and their consent texts; functions flush and log, the view commits."""
import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select

from gwangju_civic.extensions import db
from gwangju_civic.models import (
    Campaign,
    CampaignStatus,
    ConsentVersion,
    Department,
    Donation,
    DonationKind,
    DonationWithdrawal,
    PlanPriority,
)

log = logging.getLogger(__name__)

# Licences a published data set may carry: SPDX-style id -> (title, URL), as datapackage.json lists them.
LICENCES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution-ShareAlike 4.0",
                     "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC0-1.0": ("CC0 1.0 Universal (public domain)", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "KOGL-Type1": ("Korea Open Government Licence, Type 1", "https://www.kogl.or.kr/info/licenseType1.do"),
}


class CampaignError(ValueError):
    """The change is not allowed; the message says why."""


@dataclass
class CampaignDraft:
    """A campaign as staff entered it, validated by the form."""

    title_ko: str
    title_en: str
    description_ko: str
    description_en: str
    plan_priority: PlanPriority
    department: Department
    asks: DonationKind
    column_schema: list[dict] | None
    licence: str
    opens_on: date
    closes_on: date
    target_count: int
    status: CampaignStatus
    consent_text_ko: str
    consent_text_en: str


def has_donations(campaign: Campaign) -> bool:
    """Donated to, now or before a withdrawal: what is asked can then no longer change."""
    if campaign.id is None:
        return False
    return bool(
        db.session.scalar(select(exists().where(Donation.campaign_id == campaign.id)))
        or db.session.scalar(select(exists().where(DonationWithdrawal.campaign_id == campaign.id)))
    )


def _apply(campaign: Campaign, draft: CampaignDraft) -> None:
    if campaign.id is not None and has_donations(campaign) and (
        campaign.asks != draft.asks or (campaign.column_schema or None) != (draft.column_schema or None)
    ):
        raise CampaignError("what is asked and its columns cannot change once people have donated")
    campaign.title_ko = draft.title_ko.strip()
    campaign.title_en = draft.title_en.strip()
    campaign.description_ko = draft.description_ko.strip()
    campaign.description_en = draft.description_en.strip()
    campaign.plan_priority = draft.plan_priority
    campaign.department = draft.department
    campaign.asks = draft.asks
    campaign.column_schema = draft.column_schema or None
    campaign.licence = draft.licence
    campaign.opens_on = draft.opens_on
    campaign.closes_on = draft.closes_on
    campaign.target_count = draft.target_count
    campaign.status = draft.status


def create_campaign(draft: CampaignDraft, actor: str) -> Campaign:
    campaign = Campaign()
    _apply(campaign, draft)
    db.session.add(campaign)
    set_consent_text(campaign, draft.consent_text_ko, draft.consent_text_en, actor)
    db.session.flush()
    log.info("campaign %s created by %s", campaign.id, actor)
    return campaign


def update_campaign(campaign: Campaign, draft: CampaignDraft, actor: str) -> ConsentVersion:
    """Save the changes; returns the consent version now current (a new one if a signed text was edited)."""
    _apply(campaign, draft)
    version = set_consent_text(campaign, draft.consent_text_ko, draft.consent_text_en, actor)
    db.session.flush()
    log.info("campaign %s updated by %s (consent version %s)", campaign.id, actor, version.version)
    return version


def set_consent_text(campaign: Campaign, text_ko: str, text_en: str, actor: str) -> ConsentVersion:
    """Unchanged text: nothing. Unsigned current version: reworded in place. Signed: a new version."""
    text_ko, text_en = text_ko.strip(), text_en.strip()
    current = campaign.current_consent
    if current is not None and (current.text_ko, current.text_en) == (text_ko, text_en):
        return current
    if current is not None and current.id is not None:
        db.session.refresh(current, with_for_update=True)  # a donor may be signing it right now
    if current is not None and not current.is_signed:
        current.text_ko, current.text_en = text_ko, text_en
        return current
    version = ConsentVersion(version=current.version + 1 if current else 1, text_ko=text_ko, text_en=text_en,
                             created_by=actor)
    campaign.consent_versions.append(version)
    db.session.flush()
    log.info("campaign %s consent version %s created by %s", campaign.id, version.version, actor)
    return version
