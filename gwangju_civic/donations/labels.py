"""Translatable labels of the donation vocabularies, and the helpers every donation template uses."""
from typing import Any

from flask_babel import lazy_gettext as _l

from gwangju_civic.donations.campaigns import LICENCES
from gwangju_civic.donations.schema import TYPE_NAMES
from gwangju_civic.models import CampaignStatus, DonationKind, DonationStatus

ASKS_LABELS = {DonationKind.CSV: _l("A CSV file"), DonationKind.JSON: _l("A JSON file"),
               DonationKind.IMAGES: _l("Images"), DonationKind.FORM: _l("A short form")}

CAMPAIGN_STATUS_LABELS = {CampaignStatus.DRAFT: _l("Draft"), CampaignStatus.OPEN: _l("Open"),
                          CampaignStatus.CLOSED: _l("Closed")}

DONATION_STATUS_LABELS = {DonationStatus.PENDING_REVIEW: _l("Waiting for review"),
                          DonationStatus.ACCEPTED: _l("Accepted"), DonationStatus.REJECTED: _l("Rejected")}

STALE_LABELS = {"withdrawn": _l("a donation in it was withdrawn"), "rejected": _l("a donation in it was rejected")}

MASK_LABELS = {
    "email": _l("E-mail addresses"),
    "phone": _l("Phone numbers"),
    "rrn": _l("Resident registration numbers"),
    "card": _l("Card numbers"),
    "account": _l("Account numbers"),
    "name": _l("Names"),
    "address": _l("Addresses (building numbers)"),
    "birth_date": _l("Dates of birth"),
    "coordinate": _l("Coordinates rounded"),
    "exif": _l("Camera data (EXIF)"),
    "gps": _l("GPS location"),
}


def human_size(size: int) -> str:
    """A byte limit as people read it: 5 MB, 512 KB."""
    return f"{size / 1048576:.3g} MB" if size >= 1048576 else f"{size / 1024:.3g} KB"


def mark_cells(marks: list[list[Any]]) -> set[tuple[int, int]]:
    """[row, column, kinds] marks as the (row, column) pairs a template highlights."""
    return {(row, column) for row, column, _kinds in marks}


def fully_masked_columns(columns: list[str], rows: list[list[Any]], marks: list[list[Any]]) -> set[str]:
    """Columns whose every filled cell was masked: nothing useful is left, so the review starts them unticked."""
    marked = mark_cells(marks)
    return {
        name for position, name in enumerate(columns)
        if any(row[position] not in (None, "") for row in rows)
        and all((number, position) in marked for number, row in enumerate(rows) if row[position] not in (None, ""))
    }


def campaign_language(locale: str) -> str:
    """The language campaign text is really in: Korean on Korean pages, English on every other (French too)."""
    return "ko" if locale == "ko" else "en"


def template_helpers() -> dict:
    return {
        "asks_labels": ASKS_LABELS,
        "campaign_status_labels": CAMPAIGN_STATUS_LABELS,
        "donation_status_labels": DONATION_STATUS_LABELS,
        "mask_labels": MASK_LABELS,
        "stale_labels": STALE_LABELS,
        "type_labels": TYPE_NAMES,
        "licences": LICENCES,
        "mark_cells": mark_cells,
        "fully_masked_columns": fully_masked_columns,
        "campaign_language": campaign_language,
        "human_size": human_size,
    }
