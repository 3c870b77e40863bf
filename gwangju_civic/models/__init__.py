"""Database models; importing this package registers every table on the metadata."""
from gwangju_civic.models.api_keys import ApiKey, ApiReport
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
from gwangju_civic.models.following import Follower, Supporter
from gwangju_civic.models.notifications import Channel, DeliveryState, Notification, Suppression
from gwangju_civic.models.routing_labels import RoutingLabel
from gwangju_civic.models.runtime import JobRun, JobState, RouterActivation
from gwangju_civic.models.submissions import Photo, Submission, SubmissionEmbedding, SubmissionEvent
from gwangju_civic.models.taxonomy import Category, Department, PlanPriority, Strategy, TaxonomyRow
from gwangju_civic.models.users import User

__all__ = [
    "ApiKey",
    "ApiReport",
    "Base",
    "Campaign",
    "CampaignStatus",
    "Category",
    "Channel",
    "ConsentVersion",
    "DeliveryState",
    "Department",
    "Donation",
    "DonationExport",
    "DonationFile",
    "DonationKind",
    "DonationStatus",
    "DonationWithdrawal",
    "Follower",
    "JobRun",
    "JobState",
    "Notification",
    "Photo",
    "PlanPriority",
    "Role",
    "RouterActivation",
    "RoutingCorrection",
    "RoutingLabel",
    "Status",
    "Strategy",
    "Submission",
    "SubmissionEmbedding",
    "SubmissionEvent",
    "SubmissionKind",
    "Supporter",
    "Suppression",
    "TaxonomyRow",
    "Urgency",
    "User",
    "utcnow",
]
