"""Honest confidence: calibration figures, and the abstention cut that sends unfamiliar texts to triage."""
from typing import TYPE_CHECKING

import numpy as np

from gwangju_civic.routing.features import has_latin

if TYPE_CHECKING:
    from gwangju_civic.routing.router import Router

ECE_BINS = 15
# The abstention cut keeps this share of held-out in-domain texts: a text less similar to its nearest example
# than 95% of held-out texts are to theirs goes to triage, whatever the heads say (docs/routing.md, Confidence).
FAMILIAR_SHARE = 0.95
MIN_HELD_OUT = 10
# Auto-routing's promise: at least this share of auto-routed texts right (heads.chosen_threshold).
TARGET_PRECISION = 0.9


def similarity_measure(text: str) -> str:
    """Which nearest-example similarity a text gets: MiniLM cosine with Latin letters, else char n-gram cosine."""
    return "embedding" if has_latin(text) else "ngram"


def abstention_cuts(probe: "Router", texts: list[str], embeddings: np.ndarray) -> tuple[dict, np.ndarray]:
    """Per measure, the similarity below which the router abstains, chosen on held-out texts against a router
    (`probe`) that never saw them; returns (cuts, each held-out text's nearest similarity)."""
    nearest = probe._similarities(texts, embeddings).max(axis=1)
    return cuts_from(texts, nearest), nearest


def cuts_from(texts: list[str], nearest: np.ndarray) -> dict:
    """Per measure, the similarity to its nearest example that FAMILIAR_SHARE of these held-out texts reach."""
    measures = np.array([similarity_measure(text) for text in texts])
    cuts = {}
    for measure in ("embedding", "ngram"):
        values = nearest[measures == measure]
        cuts[measure] = float(np.quantile(values, 1 - FAMILIAR_SHARE)) if len(values) >= MIN_HELD_OUT else 0.0
    return cuts


def familiar(cuts: dict, text: str, nearest_similarity: float) -> bool:
    """Whether the text is close enough to something the router has seen for its heads to be trusted."""
    return nearest_similarity >= cuts.get(similarity_measure(text), 0.0)


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = ECE_BINS) -> float:
    """How far stated confidence is from observed accuracy, weighted over equal-width confidence bins."""
    return float(sum(row["count"] * abs(row["accuracy"] - row["confidence"])
                     for row in reliability(confidence, correct, bins)) / max(len(confidence), 1))


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = ECE_BINS) -> list[dict]:
    """The reliability diagram's non-empty bins: range, count, mean stated confidence and observed accuracy."""
    edges = np.linspace(0, 1, bins + 1)
    rows = []
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            rows.append({"low": float(low), "high": float(high), "count": int(inside.sum()),
                         "confidence": float(confidence[inside].mean()), "accuracy": float(correct[inside].mean())})
    return rows


def auto_routing(confidence: np.ndarray, correct: np.ndarray, trusted: np.ndarray, threshold: float) -> dict:
    """Auto-routing on held-out data at a threshold chosen without it: the precision and coverage it then has."""
    routed = trusted & (confidence >= threshold)
    return {"threshold": float(threshold), "coverage": float(routed.mean()) if len(routed) else 0.0,
            "precision": float(correct[routed].mean()) if routed.any() else None,
            "abstained": float((~trusted).mean()) if len(trusted) else 0.0}
