"""Texts without Latin letters skip MiniLM: their embedding block is multiplied by 0, so routing stays identical."""
import numpy as np
import pytest

from gwangju_civic.routing.features import encode, encode_for_features, has_latin
from gwangju_civic.routing.router import Router

HANGUL_ONLY = [
    "집 앞 도로가 움푹 패여서 자전거가 넘어질 뻔했어요",
    "골목 가로등이 며칠째 안 켜져서 밤에 무서워요",
    "공터에 누가 폐가구랑 쓰레기 봉투를 잔뜩 버려놨어요",
    "윗집 공사 소음 때문에 아침 7시부터 잠을 못 자요!",
    "비가 조금만 와도 지하차도가 물에 잠겨요\n배수구가 막힌 것 같습니다. 3일째입니다.",
    "다리를 다친 유기견이 학교 앞을 돌아다녀요",
]
LATIN = ["Streetlight out on Geumnam-ro for a week", "Nid-de-poule énorme devant la mairie", "가로등 LED 고장"]


@pytest.fixture(scope="module")
def router(trained_router_dir) -> Router:
    return Router.load_active(trained_router_dir)


def test_hangul_only_texts_route_identically_with_and_without_minilm(router):
    kinds = ["problem", "idea"] * (len(HANGUL_ONLY) // 2)
    with_minilm = router.route_many(HANGUL_ONLY, kinds, embeddings=encode(HANGUL_ONLY))
    without = router.route_many(HANGUL_ONLY, kinds)
    assert without == with_minilm  # every head, probability, alternative and neighbour
    assert [routing.category.label for routing in without][:3] == ["pothole", "streetlight_out", "illegal_dumping"]


def test_the_features_are_the_same_matrix_so_training_is_unchanged(router):
    texts = HANGUL_ONLY + LATIN
    real, skipped = encode(texts), encode_for_features(texts)
    assert not np.any(skipped[: len(HANGUL_ONLY)])
    # Latin texts are encoded as before (batches padded differently move the last float bit, as they always did)
    np.testing.assert_allclose(skipped[len(HANGUL_ONLY):], real[len(HANGUL_ONLY):], atol=1e-6)
    hangul = slice(0, len(HANGUL_ONLY))
    difference = router.features.transform(texts, real)[hangul] != router.features.transform(texts, skipped)[hangul]
    assert difference.nnz == 0


def test_texts_with_latin_letters_still_use_minilm(router):
    assert [has_latin(text) for text in HANGUL_ONLY] == [False] * len(HANGUL_ONLY)
    assert all(has_latin(text) for text in LATIN)
    assert router.route_many(LATIN) == router.route_many(LATIN, embeddings=encode(LATIN))
    dimension = router.example_embeddings.shape[1]
    assert encode_for_features(HANGUL_ONLY[:1], dimension=dimension).shape == (1, dimension)


def test_nearest_examples_of_hangul_text_come_from_character_ngrams(router):
    text = "비가 조금만 와도 지하차도가 물에 잠겨요"
    routing = router.route(text)
    ngrams = router.features.char.transform([text] + router.example_texts)
    cosines = (ngrams[1:] @ ngrams[0].T).toarray().ravel()
    best = np.argsort(-cosines)[:3]
    assert [(n.text, n.label) for n in routing.neighbours] == \
        [(router.example_texts[i], router.example_labels[i]) for i in best]
    np.testing.assert_allclose([n.similarity for n in routing.neighbours], cosines[best], rtol=1e-5)
    assert routing.neighbours[0].label == "flooding"
