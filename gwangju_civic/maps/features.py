"""Public reports as GeoJSON: the masked public copies only, points rounded, hidden reports never included."""
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from flask import url_for
from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from gwangju_civic.extensions import db
from gwangju_civic.geo.districts import by_code
from gwangju_civic.labels import KIND_LABELS, STATUS_LABELS
from gwangju_civic.models import Submission
from gwangju_civic.submissions import queries

# The most features one answer carries (newest first); `truncated` says when more matched: zoom in or filter.
MAX_FEATURES = 2000


@dataclass(frozen=True)
class BoundingBox:
    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, raw: str | None) -> "BoundingBox | None":
        """`west,south,east,north` in degrees (GeoJSON order); anything else is None, and the caller refuses it."""
        if not raw:
            return None
        try:
            west, south, east, north = (float(part) for part in raw.split(","))
        except ValueError:
            return None
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            return None  # NaN fails these comparisons too
        return cls(west, south, east, north)


def map_query(filters: queries.PublicFilters, box: BoundingBox | None) -> Select[tuple[Submission]]:
    """The public list's query (moderation-hidden reports already left out), narrowed to pinned reports."""
    query = queries.public_list_query(filters).where(
        Submission.latitude.is_not(None), Submission.longitude.is_not(None)
    )
    if box is not None:
        query = query.where(Submission.longitude.between(box.west, box.east),
                            Submission.latitude.between(box.south, box.north))
    return query


def feature(submission: Submission, language: str, decimals: int) -> dict[str, Any]:
    """One report: its public copy's title, closed-vocabulary fields and an approximate point, nothing else."""
    district = by_code(submission.district_code)
    category = submission.category
    assert submission.latitude is not None and submission.longitude is not None
    return {
        "type": "Feature",
        "id": submission.id,
        "geometry": {"type": "Point",
                     "coordinates": [round(submission.longitude, decimals), round(submission.latitude, decimals)]},
        "properties": {
            "title": submission.public_title,
            "kind": submission.kind.value,
            "kind_label": str(KIND_LABELS[submission.kind]),
            "status": submission.status.value,
            "status_label": str(STATUS_LABELS[submission.status]),
            "category": category.code if category else None,
            "category_label": category.name(language) if category else None,
            "district": district.code if district else None,
            "district_label": district.name(language) if district else None,
            "created": submission.created_at.date().isoformat(),
            "url": url_for("main.public_detail", submission_id=submission.id),
        },
    }


def collection(filters: queries.PublicFilters, box: BoundingBox | None, language: str,
               decimals: int) -> tuple[bytes, str]:
    """The FeatureCollection's bytes and their strong ETag."""
    rows = db.session.scalars(
        map_query(filters, box).options(selectinload(Submission.category)).limit(MAX_FEATURES + 1)
    ).all()
    body = {
        "type": "FeatureCollection",
        "features": [feature(submission, language, decimals) for submission in rows[:MAX_FEATURES]],
        "truncated": len(rows) > MAX_FEATURES,
    }
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return data, hashlib.sha256(data).hexdigest()[:32]
