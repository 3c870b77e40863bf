"""Staff pages show names in the staff's language, never codes: taxonomy rows, urgencies, roles, trail entries."""
from collections.abc import Callable, Sequence
from typing import Any

from flask import g
from flask_babel import lazy_gettext as _l

from gwangju_civic.admin import bp, lookups
from gwangju_civic.i18n import current_language
from gwangju_civic.labels import EVENT_LABELS, STATUS_LABELS, URGENCY_LABELS
from gwangju_civic.models import (
    Category,
    Channel,
    DeliveryState,
    Department,
    JobState,
    PlanPriority,
    Role,
    Status,
    SubmissionEvent,
    Urgency,
)

ROLE_LABELS = {Role.ADMIN: _l("Administrator"), Role.TRIAGER: _l("Triager"), Role.OFFICER: _l("Department officer")}

ACTION_LABELS = {
    **EVENT_LABELS,  # the public history's names, then the staff-only actions
    "field_changed": _l("Changed"),
    "internal_note": _l("Internal note"),
    "note": _l("Note"),
    "routing_suggested": _l("Router suggestion"),
    "duplicate_merged": _l("Duplicate merged into this report"),
    "hidden": _l("Report hidden from public pages"),
    "shown": _l("Report shown again"),
    "photo_hidden": _l("Photo hidden"),
    "photo_shown": _l("Photo shown again"),
    "update_hidden": _l("Update hidden"),
    "update_shown": _l("Update shown again"),
    "redacted": _l("Public text edited"),
}

FIELD_LABELS = {
    "category": _l("Category"), "department": _l("Department"), "plan_priority": _l("Plan priority"),
    "urgency": _l("Urgency"), "assignee": _l("Assignee"), "duplicate_of": _l("Duplicate of"),
    "status": _l("Status"), "title": _l("Title"), "description": _l("Description"), "address": _l("Place"),
}

ACTOR_LABELS = {"citizen": _l("Resident"), "router": _l("Router"), "system": _l("System"),
                "open311": _l("Open311 app")}
OUTCOME_LABELS = {"accepted": _l("accepted"), "corrected": _l("corrected")}
JOB_STATE_LABELS = {JobState.QUEUED: _l("Queued"), JobState.RUNNING: _l("Running"), JobState.DONE: _l("Done"),
                    JobState.FAILED: _l("Failed")}
DELIVERY_LABELS = {DeliveryState.QUEUED: _l("Queued"), DeliveryState.SENDING: _l("Sending"),
                   DeliveryState.SENT: _l("Sent"), DeliveryState.FAILED: _l("Failed")}
CHANNEL_LABELS = {Channel.EMAIL: _l("E-mail"), Channel.SMS: _l("Text message")}
MESSAGE_KIND_LABELS = {
    "receipt": _l("Receipt"), "status": _l("Status change"), "update": _l("Update from the city"),
    "fixed": _l("“Is it fixed?”"), "merged": _l("Merged into another report"),
    "follow_confirm": _l("Follow confirmation"), "follower_status": _l("Status change (follower)"),
    "follower_update": _l("Update from the city (follower)"), "follower_merged": _l("Merged (follower)"),
    "staff_assigned": _l("Assigned to staff"), "staff_routed": _l("New for the department"),
    "digest": _l("Daily digest"),
}
JOB_KIND_LABELS = {
    "router_retrain": _l("Router training"), "fit_check": _l("Donation fit check"),
    "export_build": _l("Open-data export"), "preview_purge": _l("Purge of donation previews"),
    "spool_replay": _l("Filing spooled reports"), "embed_submissions": _l("Similarity vectors"),
    "notify": _l("Message delivery"), "digest": _l("Daily digest"), "staff_alerts": _l("Staff e-mails"),
}
TAXONOMY_HEADS: dict[str, Callable[[], Sequence[Category | Department | PlanPriority]]] = {
    "category": lookups.categories, "department": lookups.departments, "plan_priority": lookups.plan_priorities,
}


def _names(head: str) -> dict[str, str]:
    """Code → name in the page's language for one taxonomy head, read once per request."""
    cache: dict[str, dict[str, str]] = g.setdefault("taxonomy_names", {})
    if head not in cache:
        locale = current_language()
        cache[head] = {
            row.code: (f"{row.number}. {row.name(locale)}" if isinstance(row, PlanPriority) else row.name(locale))
            for row in TAXONOMY_HEADS[head]()
        }
    return cache[head]


def value_name(head: str, value: Any) -> str:
    """A stored value as staff should read it: a category's name, an urgency's label, a status's label."""
    if value is None or value == "":
        return "—"
    if head in TAXONOMY_HEADS:
        return _names(head).get(str(value), str(value))
    if head == "urgency" and str(value) in Urgency.__members__:
        return str(URGENCY_LABELS[Urgency(str(value))])
    if head == "status" and str(value) in {s.value for s in Status}:
        return str(STATUS_LABELS[Status(str(value))])
    return str(value)


def actor_name(actor: str) -> str:
    """`role:email` (staff), or one of the automatic actors, in words."""
    role, _, email = actor.partition(":")
    if email and role in {r.value for r in Role}:
        return f"{ROLE_LABELS[Role(role)]} · {email}"
    return str(ACTOR_LABELS.get(actor, actor))


def role_name(role: Role) -> str:
    return str(ROLE_LABELS[role])


def event_change(event: SubmissionEvent) -> str:
    """What an audit-trail entry changed, with names instead of codes."""
    if event.action == "routing_suggested":
        return value_name("category", event.new_value)
    if not event.field:
        return value_name("status", event.new_value) if event.action == "created" else (event.new_value or "")
    old, new = value_name(event.field, event.old_value), value_name(event.field, event.new_value)
    label = FIELD_LABELS.get(event.field, event.field)
    return f"{label}: {old} → {new}" if event.action in ("field_changed", "status_changed") else f"{label}"


@bp.app_context_processor
def inject_names() -> dict:
    """Every staff template (and the donation staff pages) can name codes."""
    return {
        "value_name": value_name, "actor_name": actor_name, "role_name": role_name, "event_change": event_change,
        "action_labels": ACTION_LABELS, "field_labels": FIELD_LABELS, "outcome_labels": OUTCOME_LABELS,
        "job_state_labels": JOB_STATE_LABELS, "delivery_labels": DELIVERY_LABELS, "channel_labels": CHANNEL_LABELS,
        "message_kind_labels": MESSAGE_KIND_LABELS, "job_kind_labels": JOB_KIND_LABELS,
    }
