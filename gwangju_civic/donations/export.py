"""The open-data ZIP of a campaign: merged data (CSV and JSON), images, a datasheet and datapackage.json.

Built by the `export_build` background job, one per campaign at a time, never inside a web request.
"""
import csv
import io
import json
import logging
import math
import re
import secrets
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import exists, select

from gwangju_civic import json_input
from gwangju_civic.donations import queries, storage
from gwangju_civic.donations.campaigns import LICENCES
from gwangju_civic.donations.operations import retire_export
from gwangju_civic.extensions import db
from gwangju_civic.jobs import runs
from gwangju_civic.models import Campaign, Donation, DonationExport, DonationKind, DonationStatus, JobRun, utcnow
from gwangju_civic.spreadsheets import safe_cell

log = logging.getLogger(__name__)

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
JOB = "export_build"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
NOTHING_TO_EXPORT = "there are no accepted donations to export"
CHANGED_DURING_BUILD = "a donation was withdrawn or rejected while the export was built"


class ExportError(ValueError):
    """Nothing to export, or the donations changed during the build; the message says why."""


def job_key(campaign: Campaign) -> str:
    return f"campaign:{campaign.id}"


def has_exportable(campaign: Campaign) -> bool:
    """One cheap query, so staff learn at once that there is nothing to export rather than from a failed job."""
    return bool(db.session.scalar(select(exists().where(Donation.campaign_id == campaign.id,
                                                        Donation.status == DonationStatus.ACCEPTED))))


def queue_export(campaign: Campaign, actor: str) -> tuple[JobRun, bool]:
    """Queue the campaign's export job, or return the one already queued or running (False); flushes.

    The token names the ZIP, so a run killed after writing it writes the same file again when it runs again.
    """
    run = runs.submit(JOB, job_key(campaign), campaign_id=campaign.id, actor=actor, token=secrets.token_urlsafe(18))
    return run, runs.submitted_now(run)


def latest_job(campaign: Campaign) -> JobRun | None:
    return db.session.scalar(select(JobRun).where(JobRun.kind == JOB, JobRun.key == job_key(campaign))
                             .order_by(JobRun.id.desc()).limit(1))


def job_export(run: JobRun | None) -> DonationExport | None:
    """The export a finished job built (its result names it), if it still exists."""
    try:
        export_id = int(json.loads(run.result or "")["export_id"]) if run is not None else None
    except (ValueError, KeyError, TypeError):
        return None
    return db.session.get(DonationExport, export_id) if export_id is not None else None


def settle_stale(campaign: Campaign) -> int:
    """Mark stale, and delete the ZIP of, every export holding a donation that is no longer accepted; flushes.

    Withdrawal and review mark exports stale as they happen; this also catches an export whose build
    committed just after a withdrawal had looked for exports to mark, so its ZIP is never handed out.
    """
    statuses = dict(db.session.execute(select(Donation.id, Donation.status)
                                       .where(Donation.campaign_id == campaign.id)).tuples().all())
    count = 0
    for export in db.session.scalars(select(DonationExport).where(DonationExport.campaign_id == campaign.id,
                                                                  DonationExport.stale.is_(False))):
        gone = [i for i in export.donation_ids if statuses.get(i) != DonationStatus.ACCEPTED]
        if gone:
            retire_export(export, "rejected" if all(i in statuses for i in gone) else "withdrawn")
            count += 1
    if count:
        db.session.flush()
        log.info("%s export(s) of campaign %s found stale", count, campaign.id)
    return count


def _finite(value: Any) -> Any:
    """NaN and infinities (kept before uploads refused them) are published as missing: JSON cannot hold them."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def merged_table(campaign: Campaign, donations: list[Donation]) -> tuple[list[str], list[dict[str, Any]]]:
    """One row per donated row, tagged with its donation; columns in schema order, then first appearance."""
    columns = [field["name"] for field in campaign.column_schema or []]
    records = []
    for donation in donations:
        if donation.data_file is None:
            raise ExportError(f"donation {donation.id} has no data file")
        data = storage.read_kept_json(donation.data_file.filename)
        columns += [c for c in data["columns"] if c not in columns]
        records += [{"donation_id": donation.id, **dict(zip(data["columns"], map(_finite, row), strict=True))}
                    for row in data["rows"]]
    return ["donation_id", *columns], [{c: record.get(c) for c in ["donation_id", *columns]} for record in records]


def image_index(donations: list[Donation]) -> tuple[list[str], list[dict[str, Any]], dict[str, str]]:
    """For image campaigns the data is an index of the images; returns it and archive path -> kept file."""
    records, files = [], {}
    for donation in donations:
        for number, image in enumerate(donation.images, start=1):
            path = f"images/{donation.id}-{number}.{EXTENSIONS.get(image.content_type, 'bin')}"
            files[path] = image.filename
            records.append({"donation_id": donation.id, "file": path, "width": image.width, "height": image.height})
    return ["donation_id", "file", "width", "height"], records, files


def field_type(campaign: Campaign, column: str, records: list[dict[str, Any]]) -> str:
    """The schema's type, else the type every value shares (CSV values without a schema stay strings)."""
    for field in campaign.column_schema or []:
        if field["name"] == column:
            return field["type"]
    values = [r[column] for r in records if r[column] is not None]
    if values and all(isinstance(v, bool) for v in values):
        return "boolean"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "integer"
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "number"
    return "string"


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return safe_cell(value)


def csv_text(columns: list[str], records: list[dict[str, Any]]) -> str:
    """The merged table as CSV; text that looks like a spreadsheet formula is neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_cell(column) for column in columns])
    for record in records:
        writer.writerow([_csv_value(record[c]) for c in columns])
    return buffer.getvalue()


def datapackage(campaign: Campaign, schema: dict, image_files: dict[str, str], created: str) -> dict:
    """A Frictionless Data Package descriptor (v1) for the archive."""
    title, url = LICENCES.get(campaign.licence, (campaign.licence, ""))
    resources: list[dict] = [
        {"name": "data", "path": "data.csv", "profile": "tabular-data-resource", "format": "csv",
         "mediatype": "text/csv", "encoding": "utf-8", "schema": schema},
        {"name": "data-json", "path": "data.json", "profile": "data-resource", "format": "json",
         "mediatype": "application/json", "encoding": "utf-8", "schema": schema},
        {"name": "datasheet", "path": "README.md", "format": "md", "mediatype": "text/markdown"},
    ]
    by_format: dict[str, list[str]] = {}
    for path in image_files:
        by_format.setdefault(path.rsplit(".", 1)[-1], []).append(path)
    for extension, paths in sorted(by_format.items()):
        resources.append({"name": f"images-{extension}", "path": paths, "format": extension,
                          "mediatype": {"jpg": "image/jpeg"}.get(extension, f"image/{extension}")})
    return {
        "profile": "data-package" if image_files else "tabular-data-package",
        "name": f"gwangju-data-donation-campaign-{campaign.id}",
        "title": campaign.title_en,
        "description": campaign.description_en,
        "created": created,
        "keywords": ["Gwangju", "data donation", campaign.plan_priority.code],
        "licenses": [{"name": campaign.licence, "title": title, **({"path": url} if url else {})}],
        "contributors": [{"title": f"Gwangju Metropolitan City, {campaign.department.name_en}", "role": "publisher"}],
        "resources": resources,
    }


def datasheet(campaign: Campaign, donations: list[Donation], records: int, images: int, created: str) -> str:
    """The README that travels with the data: what it is, under which licence and consent, how much, when."""
    title, url = LICENCES.get(campaign.licence, (campaign.licence, ""))
    versions = Counter(d.consent_version for d in donations)
    masked: Counter = Counter()
    for donation in donations:
        masked.update(donation.masked_counts or {})
    first, last = min(d.created_at for d in donations), max(d.created_at for d in donations)
    lines = [
        f"# {campaign.title_en} / {campaign.title_ko}", "", campaign.description_en, "", campaign.description_ko, "",
        "## Datasheet", "",
        f"- Campaign: {campaign.id}, asking for {campaign.asks.value}",
        f"- Publisher: Gwangju Metropolitan City, {campaign.department.name_en} ({campaign.department.name_ko})",
        f"- Plan priority: {campaign.plan_priority.number}. {campaign.plan_priority.name_en}",
        f"- Licence: {title} ({campaign.licence}) {url}".rstrip(),
        "- Consent version(s): " + ", ".join(f"version {v.version} ({n} donations)"
                                             for v, n in sorted(versions.items(), key=lambda i: i[0].version)),
        f"- Donations: {len(donations)} accepted, none withdrawn at the time of export",
        f"- Rows: {records}" + (f"; images: {images}" if images else ""),
        f"- Date range of donations: {first.date().isoformat()} to {last.date().isoformat()}",
        f"- Built: {created}",
        "", "## How donors' privacy was protected", "",
        "- Donors saw exactly this data, masked, before consenting; they could drop rows and columns.",
        ("- E-mail addresses, phone numbers, resident registration numbers, card and account numbers and detectable "
         "names were replaced by placeholders such as [EMAIL] and [PHONE]."),
        f"- Coordinates were rounded to {current_app.config['COORDINATE_PRECISION']} decimals.",
        "- Images were re-encoded without EXIF or GPS metadata.",
        "- Values masked: " + (", ".join(f"{kind} {n}" for kind, n in sorted(masked.items())) or "none"),
        "- A donor may withdraw at any time; the city then marks this export stale and publishes a new one.",
        "", "## Files", "",
        "- `data.csv`, `data.json`: one record per donated row, with `donation_id`",
        "- `datapackage.json`: Frictionless Data Package descriptor",
    ]
    if images:
        lines.append("- `images/`: the donated images, named `<donation_id>-<n>`")
    for version in sorted(versions, key=lambda v: v.version):
        lines += ["", f"## Consent text, version {version.version}", "", version.text_en, "", version.text_ko]
    return "\n".join(lines) + "\n"


def _export_path(campaign: Campaign, token: str | None) -> Path:
    """`<campaign>-<token>.zip`: the same path for every run of one job; a fresh name without a token."""
    if token is None or not TOKEN.match(token):
        token = secrets.token_urlsafe(18)
    storage.exports_root().mkdir(parents=True, exist_ok=True)
    return storage.exports_root() / f"{campaign.id}-{token}.zip"


def _remove_orphans(campaign: Campaign, keep: Path) -> None:
    """Delete this campaign's ZIPs (or partial ones) that no export row names: left by a run that died.

    Only one export job per campaign runs at a time, so no other build of this campaign is writing.
    """
    named = set(db.session.scalars(select(DonationExport.filename).where(DonationExport.campaign_id == campaign.id,
                                                                         DonationExport.filename.is_not(None))))
    for path in storage.exports_root().glob(f"{campaign.id}-*"):
        if path.name not in named and not path.name.startswith(keep.name):
            path.unlink(missing_ok=True)
            log.info("removed orphan export file %s of campaign %s", path.name, campaign.id)


def build_export(campaign: Campaign, actor: str, token: str | None = None) -> DonationExport:
    """Write the ZIP of the accepted donations and record which donations it holds; idempotent per token."""
    path = _export_path(campaign, token)
    done = db.session.scalar(select(DonationExport).where(DonationExport.filename == path.name))
    if done is not None:  # this run's export was already recorded
        return done
    settle_stale(campaign)
    _remove_orphans(campaign, path)
    donations = queries.exportable(campaign)
    if not donations:
        raise ExportError(NOTHING_TO_EXPORT)
    if campaign.asks == DonationKind.IMAGES:
        columns, records, image_files = image_index(donations)
    else:
        (columns, records), image_files = merged_table(campaign, donations), {}
    created = utcnow().isoformat(timespec="seconds")
    schema = {"fields": [{"name": c, "type": field_type(campaign, c, records)} for c in columns],
              "missingValues": [""]}
    partial = path.with_name(path.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.csv", csv_text(columns, records))
        archive.writestr("data.json", json_input.dumps(records, indent=1))
        for archive_path, kept in image_files.items():
            archive.write(storage.kept_root() / kept, archive_path)
        archive.writestr("README.md", datasheet(campaign, donations, len(records), len(image_files), created))
        archive.writestr("datapackage.json", json_input.dumps(datapackage(campaign, schema, image_files, created),
                                                              indent=2))
    partial.replace(path)  # a ZIP under its final name is always complete
    export = DonationExport(campaign_id=campaign.id, filename=path.name, donation_ids=[d.id for d in donations],
                            row_count=len(records), size_bytes=path.stat().st_size, created_by=actor)
    db.session.add(export)
    db.session.flush()
    _check_unchanged(export, path)
    log.info("export %s of campaign %s: %s donations, %s rows", export.id, campaign.id, len(donations), len(records))
    return export


def _check_unchanged(export: DonationExport, path: Path) -> None:
    """After the export row is written, lock its donations: a withdrawal or review that changed one meanwhile
    fails the build (the job runs again); one that comes later waits for this commit and sees the export."""
    still = set(db.session.scalars(select(Donation.id).where(Donation.id.in_(export.donation_ids),
                                                             Donation.status == DonationStatus.ACCEPTED)
                                   .with_for_update()))
    if still != set(export.donation_ids):
        path.unlink(missing_ok=True)
        raise ExportError(CHANGED_DURING_BUILD)
