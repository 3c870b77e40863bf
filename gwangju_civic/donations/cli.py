"""`flask donations scan | fit-check | purge-expired`: check the masking, score fits, delete expired previews."""
import csv
import io
import json
import sys
import tempfile
from pathlib import Path

import click
from flask import current_app, g
from flask.cli import AppGroup
from flask_babel import force_locale

from gwangju_civic.donations import fit, parsing, storage
from gwangju_civic.donations.privacy import image_metadata
from gwangju_civic.donations.tables import DonationFileError, Limits
from gwangju_civic.extensions import db
from gwangju_civic.models import Campaign, DonationKind
from gwangju_civic.privacy import mask_table
from gwangju_civic.submissions.photos import strip_and_store

donations_cli = AppGroup("donations", help="Data-donation campaigns: masking check, fit check and maintenance.")


def scan_table(data: bytes, kind: DonationKind, schema: list[dict] | None) -> dict:
    """The review page's parsing and masking, as one document."""
    table = parsing.read_table(data, kind, schema, Limits.from_config())
    masked = mask_table(table.columns, table.rows, current_app.config["COORDINATE_PRECISION"])
    return {
        "kind": kind.value, "columns": masked.columns, "rows": masked.rows, "counts": masked.counts,
        "masked": [{"row": r, "column": masked.columns[c], "found": kinds} for r, c, kinds in masked.marks],
    }


def scan_image(data: bytes) -> dict:
    """Re-encode as a donation would be, in a throwaway folder, and say what metadata went away."""
    with tempfile.TemporaryDirectory() as folder:
        stored = strip_and_store(data, Path(folder))
        remaining = image_metadata((Path(folder) / stored.filename).read_bytes())
    return {"kind": "image", "content_type": stored.content_type, "width": stored.width, "height": stored.height,
            "size_bytes": stored.size_bytes, "removed": image_metadata(data), "metadata_kept": remaining}


def english(messages: list) -> list[str]:
    """Render translatable messages in English: the shell has no request, so no language cookie to follow."""
    g.donations_cli = True  # Flask-Babel only forces a locale once g holds something
    with force_locale("en"):
        return [str(message) for message in messages]


@donations_cli.command("scan")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--campaign", "campaign_id", type=int, help="Also check the columns against this campaign's schema.")
def scan_command(file: Path, as_json: bool, campaign_id: int | None) -> None:
    """Detect and mask personal data in a CSV, JSON or image FILE and print what would be kept."""
    data = file.read_bytes()
    schema = None
    if campaign_id is not None:
        campaign = db.session.get(Campaign, campaign_id) or sys.exit(f"no campaign {campaign_id}")
        schema = campaign.column_schema
    kind = parsing.sniff_kind(data)
    try:
        result = scan_image(data) if kind == DonationKind.IMAGES else scan_table(data, kind, schema)
    except DonationFileError as error:
        messages = english(error.messages)
        if as_json:
            click.echo(json.dumps({"file": file.name, "errors": messages}, ensure_ascii=False))
            sys.exit(1)
        raise click.ClickException("; ".join(messages)) from None
    if as_json:
        click.echo(json.dumps({"file": file.name, **result}, ensure_ascii=False, indent=2))
    elif kind == DonationKind.IMAGES:
        click.echo(f"{file.name}: image {result['content_type']} {result['width']}x{result['height']}, "
                   f"removed: {', '.join(result['removed']) or 'nothing'}; "
                   f"metadata in the kept copy: {', '.join(result['metadata_kept']) or 'none'}")
    else:
        counts = ", ".join(f"{kind} {n}" for kind, n in sorted(result["counts"].items())) or "nothing"
        click.echo(f"{file.name}: {kind.value}, {len(result['rows'])} rows; masked: {counts}")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result["columns"])
        writer.writerows(["" if value is None else value for value in row] for row in result["rows"])
        click.echo(buffer.getvalue(), nl=False)


@donations_cli.command("purge-expired")
def purge_command() -> None:
    """Delete unconsented uploads past PENDING_DONATION_TTL (uploads also purge on their way in)."""
    click.echo(f"{storage.purge_expired()} expired pending upload(s) deleted")


@donations_cli.command("fit-check")
def fit_check_command() -> None:
    """Score the fit of every donation not yet checked (loads the sentence encoder); safe to run again."""
    run = fit.check_pending_fits()
    db.session.commit()
    click.echo(f"{run.checked} donation(s) checked, {run.failed} failed")
    if run.failed:
        sys.exit(1)
