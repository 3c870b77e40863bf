"""Measure the router's design on any labelled data set against a character TF-IDF + linear SVM baseline."""
import csv
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC

from gwangju_civic.routing.confidence import (
    auto_routing,
    chosen_threshold,
    cuts_from,
    expected_calibration_error,
    familiar,
)
from gwangju_civic.routing.features import (
    KOREAN_DIMENSION,
    KOREAN_MODEL,
    TextFeatures,
    encode_for_features,
    with_passages,
)
from gwangju_civic.routing.heads import coverage_at_precision, fit_head
from gwangju_civic.routing.router import Router

Rows = list[tuple[str, str]]
LATENCY_SAMPLES = 200


def read_labelled_csv(path: Path, text_column: str = "text", label_column: str = "label") -> Rows:
    """(text, label) pairs; a clear error names a missing column, rows without text or label are skipped."""
    csv.field_size_limit(10**8)
    with Path(path).open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        missing = {text_column, label_column} - set(reader.fieldnames or ())
        if missing:
            found = ", ".join(reader.fieldnames or ())
            raise ValueError(f"{path}: no column {', '.join(sorted(missing))} (columns: {found})")
        return [(row[text_column], row[label_column]) for row in reader if row[text_column] and row[label_column]]


def stratified_split(rows: Rows, test_size: float = 0.3, seed: int = 0) -> tuple[Rows, Rows]:
    """A fixed stratified split; labels seen once stay in training."""
    counts = Counter(label for _, label in rows)
    rare = [row for row in rows if counts[row[1]] < 2]
    common = [row for row in rows if counts[row[1]] >= 2]
    train, test = train_test_split(common, test_size=test_size, random_state=seed, stratify=[r[1] for r in common])
    return train + rare, test


class RouterDesign:
    """The router's category head on an arbitrary label: same features, same calibrated classifier."""

    def fit(self, texts: list[str], labels: list[str]) -> "RouterDesign":
        rows, source, factors = with_passages(texts)
        embeddings = encode_for_features(texts, korean_model=KOREAN_MODEL)
        self.dimension = embeddings.shape[1] - KOREAN_DIMENSION  # MiniLM's columns; e5's follow
        self.features = TextFeatures().fit(rows, self.dimension)
        features = self.features.transform(rows, embeddings[source])
        self.head = fit_head(features, [labels[i] for i in source], factors, groups=source)
        # Auto-routing as the router does it: threshold from out-of-fold predictions, abstention cut from each
        # training text's nearest other training text; neither looks at the test data.
        self.threshold, _ = chosen_threshold({"category": self.head}, "category", {"category": np.array(labels)})
        self.probe = Router(self.features, {}, list(texts), [], embeddings, None, korean_model=KOREAN_MODEL)
        self.cuts = _leave_one_out_cuts(self.probe, list(texts), embeddings)
        return self

    def calibration(self, texts: list[str], correct: np.ndarray, confidence: np.ndarray) -> dict:
        """ECE (15 bins) on the test texts, and auto-routing's precision and coverage at the chosen threshold."""
        nearest = self.probe._similarities(texts, self._embeddings(texts)).max(1)
        trusted = np.array([familiar(self.cuts, text, s) for text, s in zip(texts, nearest, strict=True)])
        return {"ece": expected_calibration_error(confidence, correct),
                "auto_routing": {**auto_routing(confidence, correct, trusted, self.threshold),
                                 "abstain_below": self.cuts}}

    def scores(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        probabilities = self.head.predict_proba(self.features.transform(texts, self._embeddings(texts)))
        return self.head.classes_[probabilities.argmax(1)], probabilities.max(1)

    def _embeddings(self, texts: list[str]) -> np.ndarray:
        """As the router computes them: MiniLM where a text has Latin letters, e5 where it has others."""
        return encode_for_features(texts, dimension=self.dimension, korean_model=KOREAN_MODEL)


def _leave_one_out_cuts(probe: Router, texts: list[str], embeddings: np.ndarray, sample: int = 1000) -> dict:
    """Abstention cuts from up to `sample` training texts, each against every other training text."""
    chosen = np.random.RandomState(0).permutation(len(texts))[:sample]
    similarities = probe._similarities([texts[i] for i in chosen], embeddings[chosen])
    similarities[np.arange(len(chosen)), chosen] = -np.inf
    return cuts_from([texts[i] for i in chosen], similarities.max(1))


class Baseline:
    """Character n-gram TF-IDF with a linear SVM, the usual strong text-classification baseline."""

    def fit(self, texts: list[str], labels: list[str]) -> "Baseline":
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)
        self.svm = LinearSVC(random_state=0).fit(self.vectorizer.fit_transform(texts), labels)  # reproducible
        return self

    def scores(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        margins = self.svm.decision_function(self.vectorizer.transform(texts))
        if margins.ndim == 1:  # two classes: one margin, positive means the second class
            return self.svm.classes_[(margins > 0).astype(int)], np.abs(margins)
        return self.svm.classes_[margins.argmax(1)], margins.max(1)


def _measure(model, train: Rows, test: Rows) -> dict:
    texts, labels = [t for t, _ in train], [label for _, label in train]
    started = time.perf_counter()
    model.fit(texts, labels)
    train_seconds = time.perf_counter() - started
    test_texts, truth = [t for t, _ in test], np.array([label for _, label in test])
    predicted, confidence = model.scores(test_texts)
    coverage, _ = coverage_at_precision(confidence, predicted == truth)
    model.scores(test_texts[:1])  # warm-up
    latencies = []
    for text in test_texts[:LATENCY_SAMPLES]:
        began = time.perf_counter()
        model.scores([text])
        latencies.append((time.perf_counter() - began) * 1000)
    per_class = f1_score(truth, predicted, average=None, labels=sorted(set(truth)), zero_division=0)
    calibration = (model.calibration(test_texts, predicted == truth, confidence)
                   if isinstance(model, RouterDesign) else {})
    return {
        **calibration,
        "accuracy": float(accuracy_score(truth, predicted)),
        "macro_f1": float(f1_score(truth, predicted, average="macro", zero_division=0)),
        "per_class_f1": {label: float(f1) for label, f1 in zip(sorted(set(truth)), per_class, strict=True)},
        "coverage_at_90_precision": float(coverage),
        "train_seconds": round(train_seconds, 2),
        "latency_ms_p50": float(np.percentile(latencies, 50)),
        "latency_ms_p95": float(np.percentile(latencies, 95)),
    }


def evaluate(train: Rows, test: Rows) -> dict:
    """Train both designs on `train`, score them on `test`, with the same keys for each."""
    return {"router": _measure(RouterDesign(), train, test), "baseline": _measure(Baseline(), train, test)}
