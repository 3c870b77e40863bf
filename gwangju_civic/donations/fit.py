"""Fit check: how close a donation's description (and column names) is to its campaign, by the similarity component.

It embeds text, so it never runs in a resident's request: donations are stored "not yet checked".
"""
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from flask import current_app
from sqlalchemy import select, update

from gwangju_civic.extensions import db
from gwangju_civic.models import Campaign, Donation

log = logging.getLogger(__name__)

Scorer = Callable[[str, Sequence[str]], float]


def routing_encoder() -> Scorer:
    """The best similarity of a text to any reference text, by the similarity component (loaded once per process);
    each campaign's reference texts are embedded once per scorer, not once per donation."""
    from gwangju_civic.routing.similarity import current_similarity

    embedded: dict[tuple[str, ...], np.ndarray] = {}

    def best(text: str, references: Sequence[str]) -> float:
        component = current_similarity()
        assert component is not None
        key = tuple(references)
        if key not in embedded:
            embedded[key] = component.vectors(list(key))
        return float(component.score([text], list(key), component.vectors([text]), embedded[key]).max())

    return best


def donation_text(description: str, columns: Sequence[str] | None, expected: Sequence[str] = ()) -> str:
    """What the donor says the data is; a table's own column names say it too (the schema's ones say nothing)."""
    own = [column.replace("_", " ") for column in columns or [] if column not in expected]
    return f"{description}\n{', '.join(own)}" if own else description


def campaign_texts(campaign: Campaign) -> list[str]:
    """The campaign in each language it is written in; the best match counts."""
    return [f"{campaign.title_en}. {campaign.description_en}", f"{campaign.title_ko}. {campaign.description_ko}"]


def fit_score(text: str, references: Sequence[str], encode: Scorer) -> float:
    """Highest similarity between the text and any reference text (the component's scale, about human score / 5)."""
    return encode(text, references)


def _score(donation_id: int, description: str, columns: Sequence[str] | None, campaign: Campaign,
           encode: Scorer) -> float | None:
    """The donation's fit, or None if the encoder failed (logged: staff review the donation anyway)."""
    expected = [field["name"] for field in campaign.column_schema or []]
    try:
        return fit_score(donation_text(description, columns, expected), campaign_texts(campaign), encode)
    except Exception as error:  # noqa: BLE001  (the fit check must never lose a consented donation)
        log.error("fit check of donation %s failed: %s", donation_id, error)
        return None


@dataclass
class FitRun:
    checked: int = 0
    failed: int = 0


def check_pending_fits() -> FitRun:
    """Score every donation not yet checked and flag those below DONATION_FIT_THRESHOLD off-topic; flushes.

    It loads the sentence encoder, so it runs outside requests (`flask donations fit-check`, later a task queue).
    Idempotent: only unscored donations are read and written, so a second or concurrent run changes nothing, and a
    donation withdrawn meanwhile is simply not updated.
    """
    run = FitRun()
    unchecked = db.session.execute(
        select(Donation.id, Donation.description, Donation.columns, Donation.campaign_id)
        .where(Donation.fit_score.is_(None)).order_by(Donation.id)
    ).all()
    if not unchecked:
        return run
    encode, threshold = routing_encoder(), current_app.config["DONATION_FIT_THRESHOLD"]
    for donation_id, description, columns, campaign_id in unchecked:
        score = _score(donation_id, description, columns, db.session.get_one(Campaign, campaign_id), encode)
        if score is None:
            run.failed += 1
            continue
        db.session.execute(update(Donation).where(Donation.id == donation_id, Donation.fit_score.is_(None))
                           .values(fit_score=round(score, 4), off_topic=score < threshold))
        run.checked += 1
    db.session.flush()
    log.info("fit check: %s donation(s) scored, %s failed", run.checked, run.failed)
    return run
