"""One classifier per routing head, with probabilities calibrated on held-out folds."""
import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.svm import LinearSVC

from gwangju_civic.routing.confidence import auto_routing, expected_calibration_error, reliability

CALIBRATION_FOLDS = 3
SVM_C = 0.3


class CalibratedSVC:
    """Class-balanced linear SVM; probabilities are softmax(margin / T), T fitted on out-of-fold margins.

    One temperature keeps the SVM's ranking (per-class Platt scaling re-ranked classes and cost 3 macro-F1
    points on the Korean petitions) while making the top probability honest (docs/routing.md).
    """

    def __init__(self, C: float = SVM_C, folds: int = CALIBRATION_FOLDS, seed: int = 0):
        self.C, self.folds, self.seed = C, folds, seed

    def fit(self, features, labels, sample_weight=None, groups=None) -> "CalibratedSVC":
        """`groups` ties passages to their text: they share a fold and only the texts are calibrated on."""
        labels = np.asarray(labels)
        weights = np.ones(len(labels)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        groups = np.arange(len(labels)) if groups is None else np.asarray(groups)
        _, first = np.unique(groups, return_index=True)
        originals = np.zeros(len(labels), dtype=bool)
        originals[first] = True
        classes, per_row = np.unique(labels, return_inverse=True)
        class_totals = np.bincount(per_row[originals], weights=weights[originals], minlength=len(classes))
        balance = class_totals.sum() / (len(classes) * np.maximum(class_totals, 1e-9))
        fit_weights = weights * balance[per_row]
        self.svm = self._svm().fit(features, labels, sample_weight=fit_weights)
        self.classes_ = self.svm.classes_
        margins = self._out_of_fold(features, labels, fit_weights, groups, originals)
        self.temperature = _fit_temperature(margins, per_row[originals], weights[originals])
        self.top_label = _fit_top_label(margins, per_row[originals], weights[originals])
        held_out = self._probabilities(margins)
        scored = margins.any(axis=1)  # a fold left with one label is skipped: its texts have no prediction
        self.held_out_predicted = self.classes_[held_out.argmax(1)]
        self.held_out_confidence = np.where(scored, held_out.max(1), 0.0)
        return self

    def _svm(self) -> LinearSVC:
        # Seeded: liblinear's dual solver shuffles with numpy's global random state, so the same data gave routers
        # that differed run to run (Gainesville macro-F1 0.430 and 0.439 in two runs of bench/routing.py).
        return LinearSVC(C=self.C, max_iter=5000, random_state=self.seed)

    def _out_of_fold(self, features, labels, fit_weights, groups, originals) -> np.ndarray:
        """Margins of each text from an SVM that never saw it (or its passages); folds stratified by label."""
        rng = np.random.RandomState(self.seed)
        fold_of_group: dict = {}
        for label in self.classes_:
            members = np.unique(groups[originals & (labels == label)])
            rng.shuffle(members)
            offset = rng.randint(self.folds)
            fold_of_group.update({g: (offset + i) % self.folds for i, g in enumerate(members)})
        fold = np.array([fold_of_group[g] for g in groups])
        margins = np.zeros((int(originals.sum()), len(self.classes_)))
        original_rows = np.flatnonzero(originals)
        for k in range(self.folds):
            train, held = fold != k, original_rows[fold[original_rows] == k]
            if len(held) == 0:
                continue
            if len(np.unique(labels[train])) < 2:
                continue
            svm = self._svm().fit(features[train], labels[train], sample_weight=fit_weights[train])
            scores = _two_columns(svm.decision_function(features[held]))
            filled = np.repeat(scores.min(axis=1, keepdims=True), len(self.classes_), axis=1)
            filled[:, np.searchsorted(self.classes_, svm.classes_)] = scores
            margins[np.searchsorted(original_rows, held)] = filled
        return margins

    def decision_function(self, features) -> np.ndarray:
        return _two_columns(self.svm.decision_function(features))

    def predict_proba(self, features) -> np.ndarray:
        return self._probabilities(self.decision_function(features))

    def _probabilities(self, margins: np.ndarray) -> np.ndarray:
        """softmax(margin / T), each row mixed with the uniform answer so that its top probability is the
        top-label calibrated one: the order of the classes never changes, and no probability reaches 1."""
        probabilities = softmax(margins / self.temperature, axis=1)
        if not hasattr(self, "top_label") or probabilities.shape[1] < 2:  # a router trained before it existed
            return probabilities
        slope, intercept, ceiling = self.top_label
        uniform, top = 1 / probabilities.shape[1], probabilities.max(1)
        wanted = np.clip(1 / (1 + np.exp(-(slope * _gap(margins) + intercept))), uniform, ceiling)
        share = (wanted - uniform) / np.maximum(top - uniform, 1e-12)
        share = np.minimum(share, uniform / np.maximum(uniform - probabilities.min(1), 1e-12))
        return share[:, None] * probabilities + (1 - share[:, None]) * uniform


def _two_columns(margins: np.ndarray) -> np.ndarray:
    """Binary SVMs give one margin; as two columns softmax turns it into a sigmoid."""
    return np.column_stack([-margins / 2, margins / 2]) if margins.ndim == 1 else margins


def _fit_temperature(margins: np.ndarray, truth: np.ndarray, weights: np.ndarray) -> float:
    """The T minimising the weighted log loss of softmax(margins / T)."""
    def loss(log_t: float) -> float:
        log_p = log_softmax(margins / np.exp(log_t), axis=1)
        return float(-(weights * log_p[np.arange(len(truth)), truth]).sum() / weights.sum())

    return float(np.exp(minimize_scalar(loss, bounds=(np.log(0.01), np.log(10.0)), method="bounded").x))


def _gap(margins: np.ndarray) -> np.ndarray:
    """How far the best class's margin is ahead of the runner-up's."""
    ordered = np.sort(margins, axis=1)
    return ordered[:, -1] - ordered[:, -2]


def _fit_top_label(margins: np.ndarray, truth: np.ndarray, weights: np.ndarray) -> tuple[float, float, float]:
    """P(top label right | margin gap), a logistic fit on out-of-fold margins, and a ceiling of 1 - 1/(n + 2):
    n held-out texts, all right, still leave that much doubt (Laplace), so no probability saturates at 100%.

    One temperature fits the bulk but not the top: held-out texts shown 98%+ were right about 92% of the time
    (docs/routing.md, Confidence); this estimates the top label's chance directly.
    """
    right = margins.argmax(1) == truth
    ceiling = 1 - 1 / (len(truth) + 2)
    if right.all() or not right.any():
        return 0.0, float(np.log(ceiling / (1 - ceiling))) if right.all() else -10.0, ceiling
    model = LogisticRegression(C=10.0).fit(_gap(margins)[:, None], right, sample_weight=weights)
    return float(model.coef_[0, 0]), float(model.intercept_[0]), ceiling


def fit_head(features, labels: list[str], weights: np.ndarray | None = None, groups=None) -> CalibratedSVC:
    return CalibratedSVC().fit(features, labels, sample_weight=weights, groups=groups)


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


def head_metrics(head, features, labels: list[str], trusted: np.ndarray, threshold: float) -> dict:
    """Accuracy, macro-F1, calibration (ECE, 15 bins, and its reliability bins) and auto-routing on validation
    data: precision and coverage at `threshold`, chosen without these texts, over those not abstained on."""
    probabilities = head.predict_proba(features)
    predicted = head.classes_[probabilities.argmax(1)]
    confidence = probabilities.max(1)
    correct = predicted == np.asarray(labels)
    auto = auto_routing(confidence, correct, trusted, threshold)
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "macro_f1": float(f1_score(labels, predicted, average="macro", zero_division=0)),
        "ece": expected_calibration_error(confidence, correct),
        "reliability": reliability(confidence, correct),
        "validation_threshold": auto["threshold"],
        "coverage": auto["coverage"],
        "precision": auto["precision"],
        "abstained": auto["abstained"],
        "n_validation": len(labels),
    }
