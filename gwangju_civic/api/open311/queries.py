"""Read side of Open311: services from the taxonomy, requests from the same public queries as the web pages."""
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from gwangju_civic.api.open311.serializers import w3c
from gwangju_civic.extensions import db
from gwangju_civic.intake import spool
from gwangju_civic.labels import KIND_LABELS, URGENCY_LABELS
from gwangju_civic.links import external_url
from gwangju_civic.models import ApiReport, Category, Status, Submission, SubmissionKind, utcnow
from gwangju_civic.privacy import public_text
from gwangju_civic.submissions.queries import public_by_id, public_submissions
from gwangju_civic.submissions.transitions import OPEN_STATUSES

# "Default query limit is a span of 90 days or first 1000 requests returned, whichever is smallest."
DEFAULT_SPAN = timedelta(days=90)
MAX_REQUESTS = 1000
GENERIC_SERVICE = "other"
OPEN = frozenset(OPEN_STATUSES)
CLOSED = frozenset(Status) - OPEN
STATUSES = {"open": OPEN, "closed": CLOSED}
GENERIC_NAMES = {"ko": "기타 (분류는 자동으로 정해집니다)", "en": "Other (the category is found for you)",
                 "fr": "Autre (la catégorie est trouvée pour vous)"}


def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).options(selectinload(Category.department),
                                                            selectinload(Category.plan_priority))
                                   .order_by(Category.code)))


def category(code: str) -> Category | None:
    return db.session.scalar(select(Category).where(Category.code == code))


def service_record(row: Category | None, locale: str) -> dict:
    """One entry of services: a category (group: its department), or the generic service left to the router."""
    if row is None:
        return {"service_code": GENERIC_SERVICE, "service_name": GENERIC_NAMES.get(locale, GENERIC_NAMES["en"]),
                "description": GENERIC_NAMES.get(locale, GENERIC_NAMES["en"]), "metadata": True,
                "type": "realtime", "keywords": "", "group": ""}
    return {"service_code": row.code, "service_name": row.name(locale), "description": row.description(locale),
            "metadata": True, "type": "realtime", "keywords": ", ".join(dict.fromkeys([row.code, row.name_ko,
                                                                                      row.name_en, row.name_fr])),
            "group": row.department.name(locale)}


def service_definition(code: str) -> dict:
    """The attributes a client may send as attribute[code], named in the current locale; `kind`: problem or idea."""
    values = [{"key": kind.value, "name": str(KIND_LABELS[kind])} for kind in SubmissionKind]
    return {"service_code": code, "attributes": [{
        "variable": True, "code": "kind", "datatype": "singlevaluelist", "required": False,
        "datatype_description": "problem or idea (default: problem)", "order": 1,
        "description": " / ".join(value["name"] for value in values), "values": values}]}


@dataclass
class RequestFilters:
    ids: list[int] | None = None
    service_codes: list[str] = field(default_factory=list)
    start: datetime | None = None
    end: datetime | None = None
    statuses: set[Status] = field(default_factory=set)


def requests_query(filters: RequestFilters) -> Select[tuple[Submission]]:
    """Newest first, at most 1000; ids override every other filter, else a 90-day window by default."""
    query = public_submissions().order_by(Submission.created_at.desc(), Submission.id.desc())
    if filters.ids is not None:
        return query.where(Submission.id.in_(filters.ids)).limit(MAX_REQUESTS)
    start, end = filters.start, filters.end
    if start is None:
        start = (end or utcnow()) - DEFAULT_SPAN
    query = query.where(Submission.created_at >= start)
    if end is not None:
        query = query.where(Submission.created_at <= end)
    if filters.statuses:
        query = query.where(Submission.status.in_(filters.statuses))
    if filters.service_codes:
        query = query.join(Category, Submission.category_id == Category.id).where(
            Category.code.in_(filters.service_codes))
    return query.limit(MAX_REQUESTS)


def find_requests(filters: RequestFilters) -> list[Submission]:
    return list(db.session.scalars(requests_query(filters).options(
        selectinload(Submission.events), selectinload(Submission.photos),
        selectinload(Submission.category), selectinload(Submission.department))))


def find_request(submission_id: int) -> Submission | None:
    return public_by_id(submission_id)


def media_urls(submissions: list[Submission]) -> dict[int, str]:
    """The link a client sent with each report, where it carries no personal data; else its first public photo."""
    ids = [submission.id for submission in submissions]
    sent = dict(db.session.execute(select(ApiReport.submission_id, ApiReport.media_url)
                                   .where(ApiReport.submission_id.in_(ids), ApiReport.media_url.is_not(None)))
                .tuples().all()) if ids else {}
    found: dict[int, str] = {}
    for submission in submissions:
        link = sent.get(submission.id)
        if link and public_text(link) == link:
            found[submission.id] = link
        elif submission.public_photos:
            found[submission.id] = external_url("main.photo", filename=submission.public_photos[0].filename)
    return found


def request_record(submission: Submission, locale: str, media_url: str | None) -> dict:
    """The spec's fields, from the masked public copies only: no contact, no tracking code, no original text."""
    notes = [event.public_message for event in submission.public_events if event.public_message]
    return {
        "service_request_id": str(submission.id),
        "status": "closed" if submission.status in CLOSED else "open",
        "status_notes": notes[-1] if notes else None,
        "service_name": submission.category.name(locale) if submission.category else None,
        "service_code": submission.category.code if submission.category else None,
        "description": submission.public_description,
        "agency_responsible": submission.department.name(locale) if submission.department else None,
        "service_notice": str(URGENCY_LABELS[submission.urgency]) if submission.urgency else None,
        "requested_datetime": w3c(submission.created_at),
        "updated_datetime": w3c(submission.updated_at),
        "expected_datetime": w3c(submission.due_at),
        "address": submission.public_address,
        "lat": _approximate(submission.latitude),
        "long": _approximate(submission.longitude),
        "media_url": media_url,
    }


def _approximate(degrees: float | None) -> float | None:
    """A coordinate rounded as on the public map (COORDINATE_PRECISION decimals): a pin may mark a home."""
    return None if degrees is None else round(degrees, int(current_app.config["COORDINATE_PRECISION"]))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def filed_under_token(token: str) -> int | None:
    """The id of the report a token stands for, once the spooled report is filed."""
    return db.session.scalar(select(ApiReport.submission_id).where(ApiReport.token_hash == token_hash(token)))


def spooled_with_token(folder: Path, token: str) -> bool:
    """Whether a report waiting in the spool (waiting, being filed or set aside) carries this token."""
    wanted = token_hash(token)
    return any((fields.get("client") or {}).get("token_hash") == wanted for fields in spool.held_fields(folder))
