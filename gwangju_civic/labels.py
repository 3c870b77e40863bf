"""Translatable labels for the closed vocabularies shown to residents and staff."""
from flask_babel import lazy_gettext as _l

from gwangju_civic.models import Status, SubmissionKind, Urgency

STATUS_LABELS = {
    Status.NEW: _l("Received"),
    Status.ROUTED: _l("Sent to department"),
    Status.NEEDS_TRIAGE: _l("Being reviewed"),
    Status.ASSIGNED: _l("Assigned"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.RESOLVED: _l("Resolved"),
    Status.CLOSED: _l("Closed"),
    Status.REJECTED: _l("Not accepted"),
    Status.DUPLICATE: _l("Duplicate"),
}

KIND_LABELS = {SubmissionKind.PROBLEM: _l("Problem"), SubmissionKind.IDEA: _l("Idea")}

URGENCY_LABELS = {
    Urgency.P1: _l("P1 urgent (24 hours)"),
    Urgency.P2: _l("P2 high (3 days)"),
    Urgency.P3: _l("P3 normal (7 days)"),
    Urgency.P4: _l("P4 low (30 days)"),
}

EVENT_LABELS = {
    "created": _l("Report received"),
    "status_changed": _l("Status changed"),
    "photos_added": _l("Photos added"),
    "public_update": _l("Update from the city"),
    "routed": _l("Sent to department"),
}


def template_labels() -> dict:
    return {
        "status_labels": STATUS_LABELS,
        "kind_labels": KIND_LABELS,
        "urgency_labels": URGENCY_LABELS,
        "event_labels": EVENT_LABELS,
    }
