"""Honest confidence: calibration figures, the auto-routing threshold, and the abstention cut that sends unfamiliar
texts to triage."""
from collections import Counter
from collections.abc import Callable
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
# Auto-routing's promise: at least this share of auto-routed texts right (chosen_threshold).
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


def chosen_threshold(heads: dict, head: str, truth: dict[str, np.ndarray]) -> tuple[float, dict]:
    """A head's threshold from its out-of-fold predictions (each text scored by a model that never saw it), with
    the coverage and precision it has there; `truth` holds each head's labels in the training texts' order.

    For the category head, which decides auto-routing, the department the service then routes must be right as
    often: staff verdicts (routing/precision.py) judge the department.
    """
    fitted = heads[head]
    if not hasattr(fitted, "held_out_predicted"):  # one possible answer, or a router trained before: route nothing
        return 1.0, {}
    right = fitted.held_out_predicted == truth[head]
    if head != "category" or not hasattr(heads.get("department"), "held_out_predicted"):
        return out_of_fold_threshold(fitted.held_out_confidence, lambda threshold: {head: right})
    department = heads["department"]
    usual = {category: Counter(truth["department"][truth["category"] == category]).most_common(1)[0][0]
             for category in set(truth["category"])}
    fallback = np.array([usual.get(category) for category in fitted.held_out_predicted], dtype=object)

    def judge(threshold: float) -> dict:
        # As service.route_submission does: the department head's answer where it is as sure, else the category's.
        routed = np.where(department.held_out_confidence >= threshold, department.held_out_predicted, fallback)
        return {"category": right, "department": routed == truth["department"]}

    return out_of_fold_threshold(fitted.held_out_confidence, judge)


def out_of_fold_threshold(confidence: np.ndarray, judge: Callable[[float], dict]) -> tuple[float, dict]:
    """The lowest confidence at which the texts at or above it (ties together, at least MIN_HELD_OUT) are
    TARGET_PRECISION right by every judgement `judge(threshold)` gives; 1.0, routing nothing, if none is."""
    chosen: tuple[float, dict] = (1.0, {"coverage": 0.0, "precision": None})
    for threshold in np.unique(confidence[confidence > 0])[::-1]:
        routed = confidence >= threshold
        if routed.sum() < MIN_HELD_OUT:
            continue
        precision = {name: float(right[routed].mean()) for name, right in judge(float(threshold)).items()}
        if min(precision.values()) >= TARGET_PRECISION:
            chosen = (float(threshold), {"coverage": float(routed.mean()), "precision": precision})
    return chosen
