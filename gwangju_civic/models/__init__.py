"""Database models; importing this package registers every table on the metadata."""
from gwangju_civic.models.base import Base, utcnow
from gwangju_civic.models.corrections import RoutingCorrection
from gwangju_civic.models.donations import (
    Campaign,
    CampaignStatus,
    ConsentVersion,
    Donation,
    DonationExport,
    DonationFile,
    DonationKind,
    DonationStatus,
    DonationWithdrawal,
)
from gwangju_civic.models.enums import Role, Status, SubmissionKind, Urgency
from gwangju_civic.models.runtime import JobRun, JobState, RouterActivation
from gwangju_civic.models.submissions import Photo, Submission, SubmissionEmbedding, SubmissionEvent
from gwangju_civic.models.taxonomy import Category, Department, PlanPriority, Strategy, TaxonomyRow
from gwangju_civic.models.users import User

__all__ = [
    "Base",
    "Campaign",
    "CampaignStatus",
    "Category",
    "ConsentVersion",
    "Department",
    "Donation",
    "DonationExport",
    "DonationFile",
    "DonationKind",
    "DonationStatus",
    "DonationWithdrawal",
    "JobRun",
    "JobState",
    "Photo",
    "PlanPriority",
    "Role",
    "RouterActivation",
    "RoutingCorrection",
    "Status",
    "Strategy",
    "Submission",
    "SubmissionEmbedding",
    "SubmissionEvent",
    "SubmissionKind",
    "TaxonomyRow",
    "Urgency",
    "User",
    "utcnow",
]
