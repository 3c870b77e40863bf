"""Possible duplicates: submissions whose text means the same, boosted when they are close on the map."""
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from sqlalchemy import and_, or_, select

from gwangju_civic.admin.access import scoped
from gwangju_civic.extensions import db
from gwangju_civic.geo.distance import distance_m
from gwangju_civic.models import Status, Submission, SubmissionEmbedding
from gwangju_civic.routing.similarity import current_similarity, stored_vectors

CANDIDATE_WINDOW = timedelta(days=90)
MAX_CANDIDATES = 2000
# On the similarity component's scale (about the human 0–5 judgement / 5): 2/5 is "not the same, shares details".
MIN_SIMILARITY = 0.4
NEARBY_METRES = 300.0


@dataclass(frozen=True)
class Similar:
    submission: Submission
    similarity: float
    distance_m: float | None


def score(similarity: float, distance: float | None) -> float:
    """Text similarity, plus up to 0.15 for being within a few hundred metres."""
    if distance is None:
        return similarity
    return similarity + 0.15 * max(0.0, 1 - distance / NEARBY_METRES)


def _plausible(similarity: float, distance: float | None) -> bool:
    """Alike in meaning, or reported at practically the same spot."""
    return similarity >= MIN_SIMILARITY or (distance is not None and distance <= NEARBY_METRES / 3)


def _same_category_or_nearby(submission: Submission):
    """Where duplicates are: the same category, or a few hundred metres away whatever category it got."""
    conditions = []
    if submission.category_id is not None:
        conditions.append(Submission.category_id == submission.category_id)
    if submission.latitude is not None and submission.longitude is not None:
        box = NEARBY_METRES / 111_000  # degrees of latitude; longitude degrees are shorter, so this is generous
        conditions.append(and_(Submission.latitude.between(submission.latitude - box, submission.latitude + box),
                               Submission.longitude.between(submission.longitude - box, submission.longitude + box)))
    return or_(*conditions) if conditions else None


def similar_submissions(submission: Submission, limit: int = 5) -> list[Similar]:
    """Recent visible submissions in the same category or nearby that may report the same thing, best first.

    Vectors are written by a background job: until this submission has one of the current version the list is
    empty, and candidates without one (not yet embedded, or by another encoder) are left out, never compared.
    """
    component = current_similarity(wait=False)
    target = None if component is None else stored_vectors([submission.id], component.version).get(submission.id)
    if component is None or target is None:
        return []
    query = (
        scoped(select(Submission.id, Submission.title, Submission.description, SubmissionEmbedding.vector,
                      Submission.latitude, Submission.longitude))
        .join(SubmissionEmbedding, SubmissionEmbedding.submission_id == Submission.id)
        .where(
            Submission.id != submission.id,
            Submission.status != Status.DUPLICATE,
            Submission.created_at >= submission.created_at - CANDIDATE_WINDOW,
            SubmissionEmbedding.model_version == component.version,
        )
        .order_by(Submission.created_at.desc())
        .limit(MAX_CANDIDATES)
    )
    if (neighbourhood := _same_category_or_nearby(submission)) is not None:
        query = query.where(neighbourhood)
    rows = db.session.execute(query).all()
    if not rows:
        return []
    similarities = component.score(
        [f"{submission.title}\n{submission.description}"], [f"{row.title}\n{row.description}" for row in rows],
        target[None, :], np.stack([np.frombuffer(row.vector, dtype=np.float32) for row in rows]))[0]
    here = (submission.latitude, submission.longitude)
    scored = [
        (row.id, float(similarity), distance_m(here, (row.latitude, row.longitude)))
        for row, similarity in zip(rows, similarities, strict=True)
    ]
    ranked = sorted((s for s in scored if _plausible(s[1], s[2])), key=lambda s: score(s[1], s[2]), reverse=True)
    ranked = ranked[:limit]
    found = {s.id: s for s in db.session.scalars(select(Submission).where(Submission.id.in_([r[0] for r in ranked])))}
    return [Similar(found[i], similarity, distance) for i, similarity, distance in ranked]
