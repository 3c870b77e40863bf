"""Nearby before sending: open public reports close to the pin or alike in meaning, public fields only.

Cheap in a request: stored vectors of the candidates, plus at most ONE query embedding of the first QUERY_CHARS
characters, skipped (character n-grams alone) when the encoder is busy with another request or not loaded.
"""
import logging
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from flask import url_for
from sqlalchemy import and_, or_
from sqlalchemy.orm import selectinload

from gwangju_civic.extensions import db
from gwangju_civic.geo.distance import distance_m
from gwangju_civic.geo.districts import by_code
from gwangju_civic.labels import KIND_LABELS, STATUS_LABELS
from gwangju_civic.models import Submission
from gwangju_civic.models.base import utcnow
from gwangju_civic.routing.similarity import char_vectors, current_similarity, stored_vectors
from gwangju_civic.submissions import queries
from gwangju_civic.submissions.workflow import OPEN_STATUSES

log = logging.getLogger(__name__)
NEARBY_METRES = 300.0
MIN_SIMILARITY = 0.2  # the component's scale (human 0–5 judgement / 5): 1/5 is "not the same, but the same topic"
MIN_CHAR_SIMILARITY = 0.65  # character n-gram cosine alone (no vectors): Latin letters alone share many n-grams
MAX_RESULTS = 5
MAX_CANDIDATES = 300
WINDOW = timedelta(days=180)
QUERY_CHARS = 80  # the title and the start of the text: one e5 pass of ~40 ms idle, ~90 ms on busy shared cores
MIN_TEXT = 4


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float

    @classmethod
    def parse(cls, latitude: str | None, longitude: str | None) -> "Place | None":
        try:
            lat, lon = float(latitude or ""), float(longitude or "")
        except ValueError:
            return None
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        return cls(lat, lon)


def _candidates(place: Place | None, with_text: bool) -> list[Submission]:
    """Recent open public reports: those within a box around the pin, and (with text) the newest others."""
    conditions = []
    if place is not None:
        box = NEARBY_METRES / 111_000
        stretch = box / max(0.2, math.cos(math.radians(place.latitude)))
        conditions.append(and_(Submission.latitude.between(place.latitude - box, place.latitude + box),
                               Submission.longitude.between(place.longitude - stretch, place.longitude + stretch)))
    if with_text:
        conditions.append(Submission.created_at >= utcnow() - WINDOW)
    query = (queries.public_submissions().where(Submission.status.in_(OPEN_STATUSES), or_(*conditions))
             .options(selectinload(Submission.category))
             .order_by(Submission.created_at.desc(), Submission.id.desc()).limit(MAX_CANDIDATES))
    return list(db.session.scalars(query))


def _similarities(text: str, candidates: list[Submission]) -> np.ndarray:
    """How alike the typed text and each candidate's public copy are, minus the bar it must clear (>= 0: alike):
    the component's score where the candidate has a current vector and one query embedding was affordable, else
    character n-gram cosine with its own, higher bar."""
    texts = [f"{c.public_title}\n{c.public_description or ''}" for c in candidates]
    margins = np.full(len(candidates), np.nan)
    component = current_similarity(wait=False)  # None until this process has loaded it
    stored = stored_vectors([c.id for c in candidates], component.version) if component else {}
    if component is not None and stored:
        try:
            query_vector = component.vectors([text[:QUERY_CHARS]], wait=False)[0]
        except TimeoutError:  # another request is embedding: this answer uses character n-grams alone
            query_vector = None
        have = [i for i, c in enumerate(candidates) if c.id in stored]
        if query_vector is not None:
            margins[have] = component.score([text], [texts[i] for i in have], query_vector[None, :],
                                            np.stack([stored[candidates[i].id] for i in have]))[0] - MIN_SIMILARITY
    missing = np.flatnonzero(np.isnan(margins))
    if len(missing):
        char = (char_vectors([text]) @ char_vectors([texts[i] for i in missing]).T).toarray()[0]
        margins[missing] = np.clip(char, 0.0, 1.0) - MIN_CHAR_SIMILARITY
    return margins


def nearby_reports(place: Place | None, text: str, language: str) -> list[dict[str, Any]]:
    """At most MAX_RESULTS open public reports, best first: how alike (margin over the bar) plus up to 0.3 for being
    within NEARBY_METRES; a report qualifies by being close or alike."""
    text = " ".join(text.split())[:1000]
    with_text = len(text) >= MIN_TEXT
    if place is None and not with_text:
        return []
    candidates = _candidates(place, with_text)
    if not candidates:
        return []
    margins = _similarities(text, candidates) if with_text else np.full(len(candidates), -1.0)
    here = (place.latitude, place.longitude) if place else (None, None)
    found = []
    for submission, margin in zip(candidates, margins, strict=True):
        distance = distance_m(here, (submission.latitude, submission.longitude))
        close = distance is not None and distance <= NEARBY_METRES
        if close or margin >= 0:
            bonus = 0.3 * (1 - distance / NEARBY_METRES) if close and distance is not None else 0.0
            found.append((max(float(margin), -0.5) + bonus, submission, distance))
    found.sort(key=lambda item: item[0], reverse=True)
    return [_public(submission, distance, language) for _, submission, distance in found[:MAX_RESULTS]]


def _public(submission: Submission, distance: float | None, language: str) -> dict[str, Any]:
    """Public fields only: the masked title, closed-vocabulary labels, a rounded distance and the public links."""
    district, category = by_code(submission.district_code), submission.category
    return {
        "id": submission.id,
        "title": submission.public_title,
        "kind_label": str(KIND_LABELS[submission.kind]),
        "status_label": str(STATUS_LABELS[submission.status]),
        "category_label": category.name(language) if category else None,
        "district_label": district.name(language) if district else None,
        "distance_m": None if distance is None else int(round(distance, -1)),
        "url": url_for("main.public_detail", submission_id=submission.id),
        "follow_url": url_for("following.follow", submission_id=submission.id),
    }
