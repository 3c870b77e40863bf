"""A donation's life: masked preview, donor's choices, consent, staff review, withdrawal. The view commits."""
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select

from gwangju_civic.codes import WITHDRAWAL_CODE
from gwangju_civic.donations import storage
from gwangju_civic.donations.codes import code_digest
from gwangju_civic.donations.privacy import image_metadata
from gwangju_civic.donations.tables import Limits, Table
from gwangju_civic.extensions import db
from gwangju_civic.models import (
    Campaign,
    ConsentVersion,
    Donation,
    DonationExport,
    DonationFile,
    DonationKind,
    DonationStatus,
    DonationWithdrawal,
    User,
    utcnow,
)
from gwangju_civic.privacy import mask_table, mask_text
from gwangju_civic.submissions.photos import strip_and_store

log = logging.getLogger(__name__)
MASK_CHUNK = 100  # rows masked between two looks at the clock


class DonationError(ValueError):
    """The step is not allowed; the message says why."""


@dataclass
class KeptView:
    """Exactly what consent will keep: the donor's chosen rows and columns, or images."""

    columns: list[str]
    rows: list[list[Any]]
    marks: set[tuple[int, int]]
    counts: dict[str, int]
    images: list[dict[str, Any]]


def _precision() -> int:
    return current_app.config["COORDINATE_PRECISION"]


def _masked(table: Table, limits: Limits | None) -> tuple[list[list[Any]], list[list[Any]], dict[str, int]]:
    """Rows, marks and counts of the masked table, masked a chunk at a time so the time budget bounds it too."""
    rows: list[list[Any]] = []
    marks: list[list[Any]] = []
    counts: Counter[str] = Counter()
    for start in range(0, len(table.rows), MASK_CHUNK):
        if limits is not None:
            limits.check_time()
        part = mask_table(table.columns, table.rows[start:start + MASK_CHUNK], _precision())
        rows += part.rows
        marks += [[r + start, c, kinds] for r, c, kinds in part.marks]
        counts.update(part.counts)
    return rows, marks, dict(counts)


def prepare_table(campaign: Campaign, description: str, table: Table,
                  limits: Limits | None = None) -> storage.PendingUpload:
    """Mask the parsed table and the description and keep only that, as a preview that expires."""
    rows, marks, counts = _masked(table, limits)
    described = mask_text(description.strip(), _precision())
    pending = storage.PendingUpload(
        token=storage.new_token(), campaign_id=campaign.id, kind=campaign.asks.value, description=described.value,
        description_counts=dict(Counter(described.found)), columns=list(table.columns), rows=rows,
        marks=marks, counts=counts, withdrawal_code=WITHDRAWAL_CODE.new(), dropped_columns=list(table.dropped),
    )
    storage.save_pending(pending)
    return pending


def prepare_images(campaign: Campaign, description: str, images: list[bytes]) -> storage.PendingUpload:
    """Re-encode each image without EXIF or GPS into the pending area; the originals are never written."""
    described = mask_text(description.strip(), _precision())
    pending = storage.PendingUpload(token=storage.new_token(), campaign_id=campaign.id, kind=campaign.asks.value,
                                    description=described.value, description_counts=dict(Counter(described.found)),
                                    withdrawal_code=WITHDRAWAL_CODE.new())
    folder = storage.pending_dir(pending.token)
    removed: Counter = Counter()
    for data in images:
        metadata = image_metadata(data)
        removed.update(metadata)
        stored = strip_and_store(data, folder)
        pending.images.append({"filename": stored.filename, "content_type": stored.content_type,
                               "width": stored.width, "height": stored.height, "size_bytes": stored.size_bytes,
                               "removed": metadata})
    pending.counts = dict(removed)
    storage.save_pending(pending)
    return pending


def required_columns(campaign: Campaign) -> set[str]:
    return {field["name"] for field in campaign.column_schema or [] if field.get("required", True)}


def choose(pending: storage.PendingUpload, campaign: Campaign, keep_rows: list[int],
           keep_columns: list[str]) -> None:
    """Record which rows (or images) and columns the donor keeps; a required column cannot be dropped."""
    count = len(pending.images) if pending.kind == DonationKind.IMAGES else len(pending.rows)
    rows = sorted({r for r in keep_rows if 0 <= r < count})
    if not rows:
        raise DonationError("keep at least one row or image")
    if pending.kind != DonationKind.IMAGES:
        kept = set(keep_columns)
        columns = [c for c in pending.columns if c in kept]
        if not columns:
            raise DonationError("keep at least one column")
        if required_columns(campaign) - set(columns):
            raise DonationError("a column the campaign requires cannot be dropped")
        pending.keep_columns = columns
    pending.keep_rows = rows
    storage.save_pending(pending)


def kept_view(pending: storage.PendingUpload) -> KeptView:
    if pending.kind == DonationKind.IMAGES:
        chosen = pending.keep_rows if pending.keep_rows is not None else range(len(pending.images))
        images = [pending.images[r] for r in chosen]
        counts = Counter(kind for image in images for kind in image["removed"])
        return KeptView([], [], set(), dict(counts), images)
    row_indices = pending.keep_rows if pending.keep_rows is not None else list(range(len(pending.rows)))
    columns = pending.keep_columns if pending.keep_columns is not None else pending.columns
    positions = [pending.columns.index(c) for c in columns]
    new_row = {old: new for new, old in enumerate(row_indices)}
    new_column = {old: new for new, old in enumerate(positions)}
    marks, counts = set(), Counter()
    for r, c, kinds in pending.marks:
        if r in new_row and c in new_column:
            marks.add((new_row[r], new_column[c]))
            counts.update({kind: 1 for kind in kinds})
    rows = [[pending.rows[r][p] for p in positions] for r in row_indices]
    return KeptView(columns, rows, marks, dict(counts), [])


def consent(pending: storage.PendingUpload, campaign: Campaign, version: ConsentVersion,
            shown_digest: str) -> tuple[Donation, str]:
    """Keep exactly the reviewed data under the consent version the donor read; returns the withdrawal code.

    The donation row is flushed before any file moves: its unique consent token lets one request per preview
    through, and IntegrityError reaches the others (see `consented_donation`). The caller commits, then discards
    the pending preview (or, if the commit fails, calls forget_files).
    """
    db.session.refresh(version, with_for_update=True)  # staff may be rewording an unsigned version right now
    current = campaign.current_consent
    if version.campaign_id != campaign.id or current is None or version.id != current.id:
        raise DonationError("the consent text has a newer version")
    if version.digest != shown_digest:
        raise DonationError("the consent text changed after it was shown")
    view = kept_view(pending)
    code = pending.withdrawal_code or WITHDRAWAL_CODE.new()
    donation = Donation(
        campaign=campaign, consent_version=version, withdrawal_digest=code_digest(code), consent_token=pending.token,
        kind=DonationKind(pending.kind), description=pending.description,
        columns=view.columns or None, row_count=len(view.rows) or len(view.images),
        masked_counts=dict(Counter(view.counts) + Counter(pending.description_counts)),
    )
    db.session.add(donation)
    db.session.flush()  # claims the preview; a concurrent request for it waits here, then gets IntegrityError
    if pending.kind == DonationKind.IMAGES:
        for image in view.images:
            storage.keep_pending_file(pending.token, image["filename"])
            donation.files.append(DonationFile(role="image", filename=image["filename"],
                                               content_type=image["content_type"], size_bytes=image["size_bytes"],
                                               width=image["width"], height=image["height"]))
    else:
        filename, size = storage.write_kept_json({"columns": view.columns, "rows": view.rows})
        donation.files.append(DonationFile(role="data", filename=filename, content_type="application/json",
                                           size_bytes=size))
    version.first_signed_at = version.first_signed_at or utcnow()
    db.session.flush()
    log.info("donation %s to campaign %s consented under version %s", donation.id, campaign.id, version.version)
    return donation, code


def forget_files(donation: Donation) -> None:
    """Delete the kept files of a donation whose rows were not (or are no longer) stored."""
    for stored in donation.files:
        storage.delete_kept(stored.filename)


def consented_donation(token: str) -> Donation | None:
    """The donation already made from the preview with this token, if any (another request consented first)."""
    return db.session.scalar(select(Donation).where(Donation.consent_token == token))


def find_by_code(code: str) -> Donation | None:
    return db.session.scalar(select(Donation).where(Donation.withdrawal_digest == code_digest(code)))


def mark_exports_stale(donation: Donation, reason: str) -> int:
    """Every export holding the donation is marked stale ("withdrawn" or "rejected") and its ZIP deleted.

    The donation's row is locked first: an export being built waits for it, or is committed before and seen here.
    """
    db.session.refresh(donation, with_for_update=True)
    exports = db.session.scalars(
        select(DonationExport).where(DonationExport.campaign_id == donation.campaign_id,
                                     DonationExport.stale.is_(False))
    )
    count = 0
    for export in exports:
        if donation.id in export.donation_ids:
            retire_export(export, reason)
            count += 1
    return count


def retire_export(export: DonationExport, reason: str) -> None:
    """Mark the export stale ("withdrawn" or "rejected") and delete its ZIP, so it is never handed out again."""
    export.stale, export.stale_reason = True, reason
    if export.filename:
        (storage.exports_root() / export.filename).unlink(missing_ok=True)
        export.filename = None


def withdraw(donation: Donation) -> DonationWithdrawal:
    """Delete the donation's files and rows; an audit record without anything the donor gave remains."""
    stale = mark_exports_stale(donation, "withdrawn")
    audit = DonationWithdrawal(
        campaign_id=donation.campaign_id, consent_version_id=donation.consent_version_id,
        donation_id=donation.id, status_at_withdrawal=donation.status, row_count=donation.row_count,
        file_count=len(donation.files), stale_exports=stale, donated_at=donation.created_at,
    )
    db.session.add(audit)
    forget_files(donation)
    db.session.delete(donation)
    db.session.flush()
    log.info("donation %s withdrawn; %s export(s) marked stale", audit.donation_id, stale)
    return audit


def review(donation: Donation, user: User, accept: bool, reason: str | None) -> None:
    """Accept or reject with a reason; a change away from accepted makes exports containing it stale."""
    reason = (reason or "").strip() or None
    if not accept and not reason:
        raise DonationError("a reason is required to reject a donation")
    status = DonationStatus.ACCEPTED if accept else DonationStatus.REJECTED
    if donation.status == DonationStatus.ACCEPTED and status != DonationStatus.ACCEPTED:
        mark_exports_stale(donation, "rejected")
    donation.status = status
    donation.review_reason = reason
    donation.reviewed_by = f"{user.role.value}:{user.email}"
    donation.reviewed_at = utcnow()
    db.session.flush()
    log.info("donation %s %s by %s", donation.id, status.value, donation.reviewed_by)
