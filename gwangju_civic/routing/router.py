"""The submission router: free text in, department, category, plan priority and urgency out, with confidence."""
import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import joblib
import numpy as np
import sklearn
from sklearn.model_selection import train_test_split

from gwangju_civic.routing import confidence, versions
from gwangju_civic.routing.features import (
    BUNDLED_MODEL,
    DEFAULT_MODEL,
    KOREAN_DIMENSION,
    KOREAN_MODEL,
    TextFeatures,
    encode_for_features,
    has_latin,
    latin_dimension,
    with_passages,
)
from gwangju_civic.routing.heads import fit_head, head_metrics
from gwangju_civic.routing.versions import ACTIVE_FILE, METADATA_FILE

log = logging.getLogger(__name__)
HEADS = ("category", "department", "plan_priority", "urgency")
PIPELINE_FILE = "pipeline.joblib"


class RouterUnavailable(RuntimeError):
    """No usable trained router: missing, unreadable or incompatible artifacts."""


@dataclass(frozen=True)
class Prediction:
    label: str
    probability: float


@dataclass(frozen=True)
class Neighbour:
    text: str
    label: str
    similarity: float


@dataclass(frozen=True)
class Routing:
    category: Prediction
    department: Prediction
    plan_priority: Prediction
    urgency: Prediction
    alternatives: dict[str, list[Prediction]]
    neighbours: list[Neighbour]
    model_version: str
    abstained: bool = False  # too far from every example: triage, whatever the heads say (confidence.py)

    @property
    def confidence(self) -> float:
        return self.category.probability

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Routing":
        return cls(
            **{head: Prediction(**data[head]) for head in HEADS},
            alternatives={head: [Prediction(**p) for p in data["alternatives"][head]] for head in HEADS},
            neighbours=[Neighbour(**n) for n in data["neighbours"]],
            model_version=data["model_version"], abstained=data.get("abstained", False),
        )


@dataclass
class TrainingExample:
    text: str
    kind: str
    category: str
    department: str
    plan_priority: str
    urgency: str
    weight: float = 1.0


def data_hash(examples: list[TrainingExample]) -> str:
    digest = hashlib.sha256()
    for e in examples:
        digest.update(json.dumps(asdict(e), ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


@dataclass
class Router:
    """The fitted features and heads, plus the labelled examples used to explain each routing."""

    features: TextFeatures
    heads: dict
    example_texts: list[str]
    example_labels: list[str]
    example_embeddings: np.ndarray
    embedding_model: str | None
    metadata: dict = field(default_factory=dict)
    korean_model: str | None = None  # routers trained before it read Korean with char n-grams and morphemes only

    @property
    def version(self) -> str:
        return self.metadata.get("version", "unsaved")

    @property
    def metrics(self) -> dict:
        return self.metadata.get("metrics", {})

    @classmethod
    def train(cls, examples: list[TrainingExample], *, embedding_model: str | None = None,
              korean_model: str | None = KOREAN_MODEL, validation_fraction: float = 0.2, seed: int = 0) -> "Router":
        """Measure on a held-out share first, then fit the final heads on every example."""
        if len({e.category for e in examples}) < 2:
            raise ValueError("training needs examples of at least two categories")
        started = datetime.now(UTC)
        embedding_model = embedding_model or DEFAULT_MODEL
        texts, kinds = [e.text for e in examples], [e.kind for e in examples]
        weights = np.array([e.weight for e in examples], dtype=np.float32)
        # Each encoder only for the texts its block weighs above 0: MiniLM for Latin letters, e5 for the others.
        embeddings = encode_for_features(texts, embedding_model, korean_model=korean_model)
        split = embeddings.shape[1] - KOREAN_DIMENSION if korean_model else None
        labels = {head: [getattr(e, head) for e in examples] for head in HEADS}
        train_idx, valid_idx = _split(labels["category"], validation_fraction, seed)
        metrics = {}
        features, x_train, train_rows = _fit_features(train_idx, texts, embeddings, kinds, split)
        x_valid = features.transform([texts[i] for i in valid_idx], embeddings[valid_idx],
                                     [kinds[i] for i in valid_idx])
        probe = cls(features, {}, [texts[i] for i in train_idx], [], embeddings[train_idx], embedding_model,
                    korean_model=korean_model)
        cuts, nearest = confidence.abstention_cuts(probe, [texts[i] for i in valid_idx], embeddings[valid_idx])
        trusted = np.array([confidence.familiar(cuts, texts[i], s) for i, s in zip(valid_idx, nearest, strict=True)])
        probes = {head: fit_head(x_train, [labels[head][i] for i in train_rows.source],
                                 weights[train_rows.source] * train_rows.factors, groups=train_rows.source)
                  for head in HEADS if len({labels[head][i] for i in train_rows.source}) > 1}
        # Each threshold is chosen on out-of-fold predictions, so the validation texts check it, not choose it.
        truth = {head: np.array(labels[head], dtype=object) for head in HEADS}
        for head, fitted in probes.items():
            threshold, _ = confidence.chosen_threshold(probes, head, {h: truth[h][train_idx] for h in HEADS})
            metrics[head] = head_metrics(fitted, x_valid, [labels[head][i] for i in valid_idx], trusted, threshold)
        features, x_all, rows = _fit_features(np.arange(len(texts)), texts, embeddings, kinds, split)
        heads = {head: _fit_or_constant(x_all, [labels[head][i] for i in rows.source],
                                        weights[rows.source] * rows.factors, rows.source) for head in HEADS}
        for head in metrics:
            threshold, out_of_fold = confidence.chosen_threshold(heads, head, truth)
            metrics[head].update(threshold=threshold, out_of_fold=out_of_fold)
        metadata = {
            "created_at": started.isoformat(),
            "training_data_sha256": data_hash(examples),
            "n_examples": len(examples),
            "n_corrections": int((weights > 1).sum()),
            "labels": {head: sorted(set(labels[head])) for head in HEADS},
            "metrics": metrics,
            "abstention": {"cut": cuts, "familiar_share": confidence.FAMILIAR_SHARE},
            "embedding_model": embedding_model,
            "korean_model": korean_model,
            "features": features.describe(),
            "classifier": "balanced LinearSVC (C=0.3) per head; temperature, uniform share fit on 3-fold OOF",
            "train_seconds": round((datetime.now(UTC) - started).total_seconds(), 1),
        }
        return cls(features, heads, texts, labels["category"], embeddings, embedding_model, metadata, korean_model)

    def save(self, directory: Path, activate: bool = True) -> Path:
        """Write a new version folder (pipeline + metadata.json) and, by default, make it the active one."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        self.metadata["version"] = f"{stamp}-{self.metadata['training_data_sha256'][:8]}"
        folder = Path(directory) / self.version
        folder.mkdir(parents=True, exist_ok=False)
        joblib.dump({"features": self.features, "heads": self.heads, "example_texts": self.example_texts,
                     "example_labels": self.example_labels, "example_embeddings": self.example_embeddings,
                     "embedding_model": self.embedding_model, "korean_model": self.korean_model},
                    folder / PIPELINE_FILE)
        (folder / METADATA_FILE).write_text(json.dumps(self.metadata, indent=2, ensure_ascii=False), encoding="utf-8")
        if activate:
            versions.activate(Path(directory), self.version)
        return folder

    @classmethod
    def load(cls, path: Path) -> "Router":
        path = Path(path)
        try:
            metadata = json.loads((path / METADATA_FILE).read_text(encoding="utf-8"))
            parts = joblib.load(path / PIPELINE_FILE)
            parts["embedding_model"] = parts["embedding_model"] or BUNDLED_MODEL  # trained before int8: float
            router = cls(metadata=metadata, **parts)
            if set(router.heads) != set(HEADS):
                raise ValueError("artifact lacks a routing head")
        except FileNotFoundError as error:
            raise RouterUnavailable(f"no trained router at {path} (run `flask router train`)") from error
        except Exception as error:  # unpickling garbage can raise nearly anything
            reason = f"{type(error).__name__}: {error}"
            raise RouterUnavailable(f"router artifact at {path} is unreadable: {reason}") from error
        log.info("router %s loaded from %s", router.version, path)
        return router

    @classmethod
    def load_active(cls, directory: Path) -> "Router":
        active = Path(directory) / ACTIVE_FILE
        if not active.is_file():
            raise RouterUnavailable(f"no active router in {directory} (run `flask router train`)")
        return cls.load(Path(directory) / active.read_text().strip())

    def route(self, text: str, kind: str = "problem") -> Routing:
        return self.route_many([text], [kind])[0]

    def route_many(self, texts: list[str], kinds: list[str] | None = None,
                   embeddings: np.ndarray | None = None) -> list[Routing]:
        """Route a batch: one pass of each encoder over the texts that need it (unless given), then every head and
        the nearest examples (by MiniLM cosine, or by character n-gram cosine for a text without Latin letters)."""
        kinds = kinds or ["problem"] * len(texts)
        if embeddings is None:
            embeddings = self.feature_embeddings(texts)
        # Our own fitted pipeline and finite features: scikit-learn's input checks were a tenth of a routing.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            features = self.features.transform(texts, embeddings, kinds)
            ranked = {head: _ranked(self.heads[head], features) for head in HEADS}
        similarities = self._similarities(texts, embeddings)
        routings = []
        for row in range(len(texts)):
            nearest = np.argsort(-similarities[row])[:3]
            routings.append(Routing(
                **{head: ranked[head][row][0] for head in HEADS},
                alternatives={head: ranked[head][row] for head in HEADS},
                neighbours=[Neighbour(self.example_texts[i], self.example_labels[i], float(similarities[row, i]))
                            for i in nearest],
                model_version=self.version,
                abstained=not confidence.familiar(self.abstention_cuts, texts[row], float(similarities[row].max())),
            ))
        return routings

    @property
    def abstention_cuts(self) -> dict:
        return self.metadata.get("abstention", {}).get("cut", {})

    def feature_embeddings(self, texts: list[str]) -> np.ndarray:
        """MiniLM for the texts with Latin letters, e5 for those with other letters, zeros where a block weighs 0."""
        return encode_for_features(texts, self.embedding_model, latin_dimension(self.features, self.example_embeddings),
                                   self.korean_model)

    def _similarities(self, texts: list[str], embeddings: np.ndarray) -> np.ndarray:
        """Each text against every example: MiniLM cosine, or char n-gram cosine for a text without Latin letters."""
        columns = latin_dimension(self.features, self.example_embeddings)
        similarities = embeddings[:, :columns] @ self.example_embeddings[:, :columns].T
        hangul = [row for row, text in enumerate(texts) if not has_latin(text)]
        if hangul:
            ngrams = self.features.char.transform([texts[row] for row in hangul])
            similarities[hangul] = (ngrams @ self._example_ngrams).toarray()
        return similarities

    @cached_property
    def _example_ngrams(self):
        """The examples' unit-length char n-gram vectors as columns, computed once per loaded router."""
        return self.features.char.transform(self.example_texts).T.tocsr()


def _split(labels: list[str], fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A stratified hold-out; labels with a single example always stay in training."""
    index = np.arange(len(labels))
    counts = {label: labels.count(label) for label in set(labels)}
    splittable = [i for i in index if counts[labels[i]] >= 2]
    single = [i for i in index if counts[labels[i]] < 2]
    train, valid = train_test_split(splittable, test_size=fraction, random_state=seed,
                                    stratify=[labels[i] for i in splittable])
    return np.array(sorted(list(train) + single)), np.array(sorted(valid))


class _Constant:
    """A head with one possible answer (e.g. every example has the same plan priority)."""

    def __init__(self, label: str):
        self.classes_ = np.array([label])

    def predict_proba(self, features) -> np.ndarray:
        return np.ones((features.shape[0], 1))


def _fit_or_constant(features, labels: list[str], weights: np.ndarray, groups: np.ndarray):
    return fit_head(features, labels, weights, groups) if len(set(labels)) > 1 else _Constant(labels[0])


@dataclass(frozen=True)
class _Rows:
    """Training rows: which example each row comes from (texts first, then passages) and its weight factor."""

    source: np.ndarray
    factors: np.ndarray


def _fit_features(index: np.ndarray, texts: list[str], embeddings: np.ndarray, kinds: list[str],
                  latin_columns: int | None = None):
    """Fit the features on the chosen examples plus their passages; returns (features, matrix, rows)."""
    rows, local, factors = with_passages([texts[i] for i in index])
    source = index[local]
    features = TextFeatures().fit(rows, latin_columns)
    matrix = features.transform(rows, embeddings[source], [kinds[i] for i in source])
    return features, matrix, _Rows(source, factors)


def _ranked(head, features, keep: int = 3) -> list[list[Prediction]]:
    """The `keep` most probable labels per row, best first."""
    probabilities = head.predict_proba(features)
    order = np.argsort(-probabilities, axis=1)[:, :keep]
    return [[Prediction(str(head.classes_[j]), float(probabilities[i, j])) for j in order[i]]
            for i in range(probabilities.shape[0])]
