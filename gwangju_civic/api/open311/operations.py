"""Open311 writes: API keys, and filing a report through the same intake service as the web form."""
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.exc import InterfaceError, OperationalError

from gwangju_civic.api.open311 import queries
from gwangju_civic.api.open311.forms import Invalid, PostedRequest
from gwangju_civic.database import discard_session
from gwangju_civic.extensions import db
from gwangju_civic.intake import spool
from gwangju_civic.intake.services import receive
from gwangju_civic.models import ApiKey, utcnow
from gwangju_civic.submissions.operations import SubmissionDraft
from gwangju_civic.taxonomy.seed import load_taxonomy

log = logging.getLogger(__name__)
OUTAGE = (OperationalError, InterfaceError)
KEY_PREFIX = "gjk_"
# last_used_at is refreshed at most this often, so busy clients do not all write one row.
LAST_USED_PRECISION = timedelta(minutes=1)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def create_key(name: str) -> tuple[ApiKey, str]:
    """A new key: the caller shows `key` once; only its hash is stored."""
    key = KEY_PREFIX + secrets.token_urlsafe(30)
    row = ApiKey(name=name.strip()[:120], key_hash=key_hash(key), prefix=key[:10])
    db.session.add(row)
    db.session.flush()
    log.info("api key %s (%s) created", row.id, row.name)
    return row, key


def revoke_key(row: ApiKey) -> None:
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.flush()
        log.info("api key %s (%s) revoked", row.id, row.name)


def _active(key: str) -> Select[tuple[ApiKey]]:
    return select(ApiKey).where(ApiKey.key_hash == key_hash(key), ApiKey.revoked_at.is_(None))


def is_active_key(key: str) -> bool:
    """Whether the key exists and is not revoked (read only: the throttle asks on every call)."""
    return db.session.scalar(_active(key).with_only_columns(ApiKey.id)) is not None


def active_key(key: str) -> ApiKey | None:
    """The key's row when it exists and is not revoked; notes its use (flushed with the report)."""
    if not key:
        return None
    row = db.session.scalar(_active(key))
    if row is not None and (row.last_used_at is None or utcnow() - row.last_used_at > LAST_USED_PRECISION):
        row.last_used_at = utcnow()
    return row


@dataclass(frozen=True)
class Filed:
    """A report filed (`service_request_id`) or spooled while the database was down (`token`)."""

    service_request_id: str | None = None
    token: str | None = None
    service_notice: str | None = None


def file_request(api_key: str, posted: PostedRequest, locale: str = "en") -> Filed:
    """Check the key and the service, then file through intake's receive(); spool when the database is down.

    Raises Invalid (403 wrong key, 404 unknown service). During an outage the key cannot be checked: the
    report is spooled with the key's hash, and filing ties it to the key only if that key is valid then.
    """
    try:
        key = active_key(api_key)
        if key is None:
            raise Invalid("api_key is missing, unknown or revoked", status=403)
        if posted.service_code != queries.GENERIC_SERVICE and queries.category(posted.service_code) is None:
            raise Invalid(f"service_code {posted.service_code} does not exist", status=404)
        draft = _draft(api_key, posted)
        receipt = receive(draft)
    except OUTAGE:
        discard_session()
        return _spool(api_key, posted)
    except Invalid:
        discard_session()
        raise
    return Filed(service_request_id=str(receipt.submission_id), service_notice=_notice(receipt.submission_id, locale))


def _spool(api_key: str, posted: PostedRequest) -> Filed:
    """The database is down: keep the report on disk under a fresh token the client can resolve later."""
    known = {row["code"] for row in load_taxonomy()["categories"]} | {queries.GENERIC_SERVICE}
    if posted.service_code not in known:
        raise Invalid(f"service_code {posted.service_code} does not exist", status=404)
    if not api_key:
        raise Invalid("api_key is missing, unknown or revoked", status=403)
    token = secrets.token_urlsafe(24)
    draft = _draft(api_key, posted, token_hash=queries.token_hash(token))
    spool.spool(draft, Path(current_app.config["SPOOL_FOLDER"]))
    return Filed(token=token)


def _draft(api_key: str, posted: PostedRequest, token_hash: str | None = None) -> SubmissionDraft:
    client = {"key_hash": key_hash(api_key), "service_code": posted.service_code, "token_hash": token_hash,
              "contact": posted.contact, "attributes": posted.attributes, "media_url": posted.media_url}
    return SubmissionDraft(kind=posted.kind, title=posted.title, description=posted.description,
                           address=posted.address, latitude=posted.latitude, longitude=posted.longitude,
                           contact_email=posted.email, contact_phone=posted.phone, client=client)


def _notice(submission_id: int, locale: str) -> str | None:
    """What happens next, from the stored report (routing has run by now); None if it cannot be read."""
    try:
        found = queries.find_request(submission_id)
    except OUTAGE:
        discard_session()
        return None
    if found is None:
        return None
    return queries.request_record(found, locale, None)["service_notice"]
