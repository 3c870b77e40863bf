"""One classifier per routing head, with probabilities calibrated on held-out folds."""
from collections import Counter

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.svm import LinearSVC

CALIBRATION_FOLDS = 3


def make_head(labels: list[str], C: float = 0.5):
    """A class-balanced linear SVM with sigmoid calibration; logistic regression when a class is too rare to fold."""
    if min(Counter(labels).values()) >= CALIBRATION_FOLDS and len(set(labels)) > 1:
        return CalibratedClassifierCV(LinearSVC(C=C, class_weight="balanced"), method="sigmoid",
                                      cv=CALIBRATION_FOLDS, ensemble=False)
    return LogisticRegression(C=10 * C, class_weight="balanced", max_iter=2000)


def fit_head(features, labels: list[str], weights: np.ndarray | None = None):
    head = make_head(labels)
    head.fit(features, labels, sample_weight=weights)
    return head


def coverage_at_precision(scores: np.ndarray, correct: np.ndarray, precision: float = 0.9) -> tuple[float, float]:
    """The largest share of items, taken most confident first, that is still `precision` correct, and its threshold."""
    order = np.argsort(-scores, kind="stable")
    hits = np.cumsum(correct[order])
    running = hits / np.arange(1, len(order) + 1)
    good = np.nonzero(running >= precision)[0]
    if len(good) == 0:
        return 0.0, 1.0
    last = good[-1]
    return (last + 1) / len(order), float(scores[order][last])


def head_metrics(head, features, labels: list[str]) -> dict:
    """Accuracy, macro-F1, calibration error and the 90%-precision threshold on validation data."""
    probabilities = head.predict_proba(features)
    predicted = head.classes_[probabilities.argmax(1)]
    confidence = probabilities.max(1)
    correct = predicted == np.asarray(labels)
    coverage, threshold = coverage_at_precision(confidence, correct)
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "macro_f1": float(f1_score(labels, predicted, average="macro", zero_division=0)),
        "expected_calibration_error": expected_calibration_error(confidence, correct),
        "threshold": threshold,
        "coverage": coverage,
        "n_validation": len(labels),
    }


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """How far stated confidence is from observed accuracy, averaged over ten confidence bins."""
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)
