"""The status workflow as data, below every module that changes a status, with the errors it raises."""
from flask_babel import gettext as _

from gwangju_civic.labels import STATUS_LABELS
from gwangju_civic.models import Status

TRANSITIONS: dict[Status, set[Status]] = {
    Status.NEW: {Status.ROUTED, Status.NEEDS_TRIAGE, Status.ASSIGNED, Status.REJECTED, Status.DUPLICATE},
    Status.ROUTED: {Status.NEEDS_TRIAGE, Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED, Status.REJECTED,
                    Status.DUPLICATE},
    Status.NEEDS_TRIAGE: {Status.ROUTED, Status.ASSIGNED, Status.REJECTED, Status.DUPLICATE},
    Status.ASSIGNED: {Status.IN_PROGRESS, Status.RESOLVED, Status.ROUTED, Status.REJECTED, Status.DUPLICATE},
    Status.IN_PROGRESS: {Status.RESOLVED, Status.ASSIGNED, Status.REJECTED, Status.DUPLICATE},
    Status.RESOLVED: {Status.CLOSED, Status.IN_PROGRESS},
    Status.CLOSED: set(),
    Status.REJECTED: {Status.NEEDS_TRIAGE},
    Status.DUPLICATE: {Status.NEEDS_TRIAGE},
}
NEEDS_REASON = {Status.REJECTED, Status.DUPLICATE}
OPEN_STATUSES = (Status.NEW, Status.ROUTED, Status.NEEDS_TRIAGE, Status.ASSIGNED, Status.IN_PROGRESS)
# `resolved_at` is set on entering RESOLVED and kept only while the submission stays resolved or closed.
FINISHED = (Status.RESOLVED, Status.CLOSED)


class WorkflowError(ValueError):
    """The action is not allowed in the submission's current state; the message says why."""


class ChangedMeanwhile(Exception):
    """Someone else changed the submission after this person loaded it; their change is kept."""


def refused(old: Status, new: Status) -> WorkflowError:
    """The refusal names both statuses as staff read them, in their language."""
    return WorkflowError(_("A submission cannot go from “%(old)s” to “%(new)s”.", old=STATUS_LABELS[old],
                           new=STATUS_LABELS[new]))
