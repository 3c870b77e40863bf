"""Fit check: how close a donation's description (and column names) is to its campaign, by embedding cosine."""
import logging
from collections.abc import Callable, Sequence

import numpy as np
from flask import current_app

from gwangju_civic.models import Campaign, Donation

log = logging.getLogger(__name__)

Encoder = Callable[[Sequence[str]], np.ndarray]


def routing_encoder() -> Encoder:
    """The routing component's sentence encoder (the bundled all-MiniLM-L6-v2, loaded once per process)."""
    from gwangju_civic.routing.features import encode

    model = current_app.config.get("ROUTER_EMBEDDING_MODEL")
    return lambda texts: encode(list(texts), model)


def donation_text(description: str, columns: Sequence[str] | None, expected: Sequence[str] = ()) -> str:
    """What the donor says the data is; a table's own column names say it too (the schema's ones say nothing)."""
    own = [column.replace("_", " ") for column in columns or [] if column not in expected]
    return f"{description}\n{', '.join(own)}" if own else description


def campaign_texts(campaign: Campaign) -> list[str]:
    """The campaign in each language it is written in; the best match counts."""
    return [f"{campaign.title_en}. {campaign.description_en}", f"{campaign.title_ko}. {campaign.description_ko}"]


def fit_score(text: str, references: Sequence[str], encode: Encoder) -> float:
    """Highest cosine similarity between the text and any reference text."""
    vectors = np.asarray(encode([text, *references]), dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1)
    norms[norms == 0] = 1.0
    unit = vectors / norms[:, None]
    return float(np.max(unit[1:] @ unit[0]))


def check_fit(donation: Donation) -> float | None:
    """Score the donation and flag it off-topic below DONATION_FIT_THRESHOLD; None if the encoder failed.

    Optional work: a failing encoder leaves the donation unscored (staff review it anyway) and is logged.
    """
    try:
        encode = routing_encoder()
        campaign = donation.campaign
        expected = [field["name"] for field in campaign.column_schema or []]
        score = fit_score(donation_text(donation.description, donation.columns, expected), campaign_texts(campaign),
                          encode)
    except Exception as error:  # noqa: BLE001  (the fit check must never lose a consented donation)
        log.error("fit check of donation %s failed: %s", donation.id, error)
        return None
    donation.fit_score = round(score, 4)
    donation.off_topic = score < current_app.config["DONATION_FIT_THRESHOLD"]
    return score
