"""Closed vocabularies stored as strings: kinds, statuses and urgency levels."""
from datetime import timedelta
from enum import StrEnum


class SubmissionKind(StrEnum):
    PROBLEM = "problem"
    IDEA = "idea"


class Status(StrEnum):
    NEW = "new"
    ROUTED = "routed"
    NEEDS_TRIAGE = "needs_triage"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"


class Urgency(StrEnum):
    """P1 is acted on within a day, P4 within a month."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"

    @property
    def response_time(self) -> timedelta:
        return RESPONSE_TIMES[self]


RESPONSE_TIMES = {
    Urgency.P1: timedelta(hours=24),
    Urgency.P2: timedelta(days=3),
    Urgency.P3: timedelta(days=7),
    Urgency.P4: timedelta(days=30),
}


class Role(StrEnum):
    """Admins run everything, triagers see every submission, officers only their department's."""

    ADMIN = "admin"
    TRIAGER = "triager"
    OFFICER = "officer"
