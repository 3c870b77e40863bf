"""Database models; importing this package registers every table on the metadata."""
from gwangju_civic.models.base import Base, utcnow
from gwangju_civic.models.enums import Status, SubmissionKind, Urgency
from gwangju_civic.models.submissions import Photo, Submission, SubmissionEvent
from gwangju_civic.models.taxonomy import Category, Department, PlanPriority, Strategy

__all__ = [
    "Base",
    "Category",
    "Department",
    "Photo",
    "PlanPriority",
    "Status",
    "Strategy",
    "Submission",
    "SubmissionEvent",
    "SubmissionKind",
    "Urgency",
    "utcnow",
]
