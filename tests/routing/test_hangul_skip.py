"""Each encoder runs only where its block weighs: MiniLM (x Latin share) for texts with Latin letters, e5 (x the
other letters' share) for texts with others. Skipping one where its weight is 0 leaves every routing identical."""
import numpy as np
import pytest

from gwangju_civic.routing.features import KOREAN_MODEL, encode, encode_for_features, has_latin, latin_share
from gwangju_civic.routing.router import Router

HANGUL_ONLY = [
    "집 앞 도로가 움푹 패여서 자전거가 넘어질 뻔했어요",
    "골목 가로등이 며칠째 안 켜져서 밤에 무서워요",
    "공터에 누가 폐가구랑 쓰레기 봉투를 잔뜩 버려놨어요",
    "윗집 공사 소음 때문에 아침 7시부터 잠을 못 자요!",
    "비가 조금만 와도 지하차도가 물에 잠겨요\n배수구가 막힌 것 같습니다. 3일째입니다.",
    "다리를 다친 유기견이 학교 앞을 돌아다녀요",
]
LATIN = ["Streetlight out on Geumnam-ro for a week", "Nid-de-poule énorme devant la mairie"]
MIXED = ["가로등 LED 고장"]


@pytest.fixture(scope="module")
def router(trained_router_dir) -> Router:
    return Router.load_active(trained_router_dir)


def both_encoders(texts: list[str]) -> np.ndarray:
    """What the router's blocks would get if every text ran both encoders."""
    return np.hstack([encode(texts), encode(texts, KOREAN_MODEL)])


def test_the_router_reads_korean_with_e5_and_latin_with_minilm(router):
    assert router.korean_model == KOREAN_MODEL
    assert router.example_embeddings.shape[1] == 384 + 384
    assert router.metadata["korean_model"] == KOREAN_MODEL
    assert "multilingual-e5-small embedding" in router.metadata["features"]


def test_routing_is_the_same_as_with_both_encoders_everywhere(router):
    texts = HANGUL_ONLY + LATIN + MIXED
    kinds = ["problem", "idea"] * (len(texts) // 2) + ["problem"] * (len(texts) % 2)
    assert router.route_many(texts, kinds) == router.route_many(texts, kinds, embeddings=both_encoders(texts))
    assert [routing.category.label for routing in router.route_many(HANGUL_ONLY)][:3] == \
        ["pothole", "streetlight_out", "illegal_dumping"]


def test_each_text_runs_only_the_encoder_its_letters_need(router):
    texts = HANGUL_ONLY + LATIN + MIXED
    assert [has_latin(text) for text in texts] == [False] * len(HANGUL_ONLY) + [True] * 3
    assert [latin_share(text) == 1 for text in texts] == [False] * len(HANGUL_ONLY) + [True, True, False]
    skipped, full = router.feature_embeddings(texts), both_encoders(texts)
    korean_rows, latin_rows, mixed = slice(0, len(HANGUL_ONLY)), slice(len(HANGUL_ONLY), -1), -1
    assert not np.any(skipped[korean_rows, :384]) and not np.any(skipped[latin_rows, 384:])
    np.testing.assert_allclose(skipped[korean_rows, 384:], full[korean_rows, 384:], atol=1e-6)
    np.testing.assert_allclose(skipped[latin_rows, :384], full[latin_rows, :384], atol=1e-6)
    np.testing.assert_allclose(skipped[mixed], full[mixed], atol=1e-6)
    # The skipped blocks weigh 0, so the feature matrix, and so training, is unchanged
    assert (router.features.transform(texts, skipped) != router.features.transform(texts, full)).nnz == 0


def test_multiplication_and_division_signs_are_not_latin_letters():
    assert latin_share("가로등 3×4 구역") == 0 and not has_latin("가로등 3×4 구역")
    assert latin_share("½ ÷ 2") == 0 and latin_share("Rue Éloi ×2") == 1


def test_without_a_korean_encoder_a_hangul_text_runs_no_encoder():
    dimension = 384
    assert not np.any(encode_for_features(HANGUL_ONLY[:2], dimension=dimension))
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
