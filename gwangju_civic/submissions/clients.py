"""Reports filed by an API client (Open311): its key, the service it chose and its staff-only details."""
from typing import Any

from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import ApiKey, ApiReport, Category, Submission, SubmissionEvent


def attach_client(submission: Submission, client: dict[str, Any]) -> None:
    """Record which key filed the report and what the client sent beside its text; runs inside the filing.

    A key is resolved when the report is filed, so a report spooled during an outage (when no key could be
    checked) is tied to its key only if that key still exists and is not revoked; otherwise staff are told.
    A chosen category is set before routing, which keeps it unless the router strongly disagrees
    (routing/requested.py); the generic service ("other") leaves the choice to the router.
    """
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == client.get("key_hash", ""),
                                                 ApiKey.revoked_at.is_(None)))
    submission.api_key_id = key.id if key is not None else None
    service_code = str(client.get("service_code") or "")
    category = db.session.scalar(select(Category).where(Category.code == service_code))
    if category is not None:
        submission.category = category
    db.session.add(ApiReport(submission=submission, api_key=key, token_hash=client.get("token_hash"),
                             service_code=service_code[:40], contact=dict(client.get("contact") or {}),
                             attributes=dict(client.get("attributes") or {}), media_url=client.get("media_url")))
    note = f"filed through Open311 with key “{key.name}”" if key is not None else \
        "filed through Open311 during a database outage with a key that no longer exists or was revoked"
    db.session.add(SubmissionEvent(submission=submission, actor="open311", action="note", message=note))
    if category is not None:
        db.session.add(SubmissionEvent(submission=submission, actor="open311", action="field_changed",
                                       field="category", new_value=category.code))
