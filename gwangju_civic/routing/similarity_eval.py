"""Measure the similarity component on scored sentence pairs (e.g. KorSTS) against char 1–3 TF-IDF cosine."""
import csv
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import roc_auc_score

from gwangju_civic.routing.features import normalise

DUPLICATE, DIFFERENT = 4.0, 1.0


def read_pairs(path: Path, a_column: str = "text_a", b_column: str = "text_b",
               score_column: str = "score") -> tuple[list[str], list[str], np.ndarray]:
    """The two texts and the human score of each row; rows without a number for the score are skipped."""
    a_texts, b_texts, scores = [], [], []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {a_column, b_column, score_column} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"missing column(s): {', '.join(sorted(missing))}")
        for row in reader:
            try:
                score = float(row[score_column])
            except (TypeError, ValueError):
                continue
            a_texts.append(row[a_column] or "")
            b_texts.append(row[b_column] or "")
            scores.append(score)
    return a_texts, b_texts, np.asarray(scores, dtype=np.float64)


def char_baseline(a_texts: list[str], b_texts: list[str]) -> np.ndarray:
    """Cosine of char_wb 1–3-gram TF-IDF (sublinear tf) fitted on the pairs' own texts."""
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, preprocessor=normalise)
    vectorizer.fit(a_texts + b_texts)
    return np.asarray(vectorizer.transform(a_texts).multiply(vectorizer.transform(b_texts)).sum(axis=1)).ravel()


def figures(predicted: np.ndarray, scores: np.ndarray) -> dict:
    """Spearman with the human score, and ROC-AUC of duplicates (score >= 4) against different (score <= 1)."""
    judged = (scores >= DUPLICATE) | (scores <= DIFFERENT)
    labels = scores[judged] >= DUPLICATE
    auc = float(roc_auc_score(labels, predicted[judged])) if 0 < labels.sum() < len(labels) else None
    return {"spearman": round(float(spearmanr(predicted, scores).statistic), 4),
            "duplicate_roc_auc": None if auc is None else round(auc, 4), "pairs": int(len(scores))}


def measure(component, a_texts: list[str], b_texts: list[str], scores: np.ndarray) -> dict:
    return {"similarity": {**figures(component.pairs(a_texts, b_texts), scores), "version": component.version},
            "baseline": figures(char_baseline(a_texts, b_texts), scores)}
