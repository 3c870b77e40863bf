"""Korean content morphemes (mecab-ko): lemmas as a TF-IDF block; training needs the analyzer, routing survives it."""
import logging
import sys

import numpy as np
import pytest

from gwangju_civic.routing import features
from gwangju_civic.routing.features import AnalyzerUnavailable, TextFeatures, korean_morphemes
from gwangju_civic.routing.router import Router, TrainingExample


def test_content_morphemes_are_lemmas_without_particles_or_endings():
    assert korean_morphemes("공터에 누가 폐가구랑 쓰레기 봉투를 잔뜩 버려놨어요") == ["공터", "가구", "쓰레기", "봉투", "버리다"]
    assert korean_morphemes("도로가 움푹 패여서 무서워요, 깨끗한 거리") == ["도로", "패다", "무섭다", "깨끗", "거리"]
    assert korean_morphemes("광주시청 앞 LED 가로등이 고장났습니다") == ["광주", "시청", "앞", "가로등", "고장나다"]
    assert korean_morphemes("Streetlight out on Geumnam-ro") == []
    assert korean_morphemes("") == []
    assert korean_morphemes("가로\x00등이 꺼졌어요") == ["가로", "꺼지다"]  # a NUL does not end the text


def test_decomposed_hangul_gives_the_same_lemmas():
    import unicodedata

    text = "쓰레기를 버렸습니다"
    assert korean_morphemes(unicodedata.normalize("NFD", text)) == korean_morphemes(text) == ["쓰레기", "버리다"]


def test_inflections_of_one_verb_meet_in_the_morpheme_block():
    fitted = TextFeatures().fit(["누가 쓰레기를 버려놨어요", "가로등이 꺼졌어요", "Pothole on the main road"])
    assert fitted.morph is not None and "버리다" in fitted.morph.vocabulary_
    block = fitted.morph.transform(["밤마다 쓰레기를 버립니다", "가로등이 또 꺼집니다"])
    column = fitted.morph.vocabulary_
    assert block[0, column["버리다"]] > 0 and block[1, column["꺼지다"]] > 0
    assert "morpheme" in fitted.describe()


def test_a_corpus_without_korean_has_no_morpheme_block():
    fitted = TextFeatures().fit(["Pothole on the main road", "Nid-de-poule devant la mairie"])
    assert fitted.morph is None
    matrix = fitted.transform(["Streetlight out"], np.zeros((1, 4), dtype=np.float32))
    assert matrix.shape[0] == 1 and "morpheme" not in fitted.describe()


@pytest.fixture
def without_mecab(monkeypatch):
    """As if mecab-ko were not installed: its import fails and no thread keeps a tagger."""
    monkeypatch.setitem(sys.modules, "mecab_ko", None)
    monkeypatch.setattr(features, "_taggers", type(features._taggers)())


def test_training_fails_loudly_without_the_analyzer(without_mecab):
    examples = [TrainingExample(text, "problem", category, "roads", "safe_streets", "P3")
                for text, category in [("가로등이 꺼졌어요", "streetlight_out"), ("도로가 패였어요", "pothole")] * 4]
    with pytest.raises(AnalyzerUnavailable, match="mecab-ko cannot load"):
        Router.train(examples)


def test_a_loaded_router_routes_without_the_analyzer(trained_router_dir, without_mecab, caplog):
    router = Router.load_active(trained_router_dir)
    with caplog.at_level(logging.WARNING, logger="gwangju_civic.routing.features"):
        routing = router.route("골목 가로등이 며칠째 안 켜져서 밤에 무서워요")
    assert routing.category.label == "streetlight_out"
    assert "without the Korean morpheme block" in caplog.text
