"""The router itself: trained on a slice of the seed corpus with the real MiniLM, saved, loaded, explained."""
import json
from dataclasses import replace

import numpy as np
import pytest

from gwangju_civic.routing.evaluation import evaluate, stratified_split
from gwangju_civic.routing.features import TextFeatures
from gwangju_civic.routing.heads import coverage_at_precision, expected_calibration_error, fit_head
from gwangju_civic.routing.router import HEADS, Router, RouterUnavailable, Routing, TrainingExample
from gwangju_civic.routing.versions import activate, list_versions

HELD_OUT = [
    ("집 앞 도로가 움푹 패여서 자전거가 넘어질 뻔했어요", "pothole"),
    ("There's a deep hole in the asphalt on Sangmu-daero that damaged my tyre.", "pothole"),
    ("골목 가로등이 며칠째 안 켜져서 밤에 무서워요", "streetlight_out"),
    ("The street lamp at the bus stop keeps flickering and then goes dark.", "streetlight_out"),
    ("공터에 누가 폐가구랑 쓰레기 봉투를 잔뜩 버려놨어요", "illegal_dumping"),
    ("Someone dumped old mattresses and bags of trash behind our building.", "illegal_dumping"),
    ("윗집 공사 소음 때문에 아침 7시부터 잠을 못 자요", "noise"),
    ("비가 조금만 와도 지하차도가 물에 잠겨요", "flooding"),
    ("A stray dog with an injured leg has been wandering near the school.", "stray_animals"),
]


@pytest.fixture(scope="module")
def router(trained_router_dir) -> Router:
    return Router.load_active(trained_router_dir)


def test_routes_held_out_korean_and_english_reports(router):
    routings = router.route_many([text for text, _ in HELD_OUT])
    predicted = [routing.category.label for routing in routings]
    expected = [category for _, category in HELD_OUT]
    assert sum(p == e for p, e in zip(predicted, expected, strict=True)) >= len(HELD_OUT) - 1, predicted


def test_a_routing_has_every_head_alternatives_and_an_explanation(router):
    routing = router.route("가로등이 고장 나서 밤길이 어두워요", kind="problem")
    for head in HEADS:
        prediction = getattr(routing, head)
        alternatives = routing.alternatives[head]
        assert alternatives[0] == prediction and len(alternatives) == min(3, len(router.metadata["labels"][head]))
        assert [a.probability for a in alternatives] == sorted((a.probability for a in alternatives), reverse=True)
        assert 0.0 <= prediction.probability <= 1.0
    assert routing.department.label == "roads" and routing.urgency.label in {"P1", "P2", "P3", "P4"}
    assert len(routing.neighbours) == 3 and routing.neighbours[0].similarity >= routing.neighbours[-1].similarity
    assert routing.model_version == router.version
    assert Routing.from_dict(json.loads(json.dumps(routing.to_dict()))) == routing


def test_metadata_records_what_the_router_is(router, trained_router_dir):
    metadata = json.loads((trained_router_dir / router.version / "metadata.json").read_text())
    for key in ("version", "created_at", "training_data_sha256", "labels", "metrics", "embedding_model"):
        assert metadata[key]
    assert metadata["embedding_model"] == "all-MiniLM-L6-v2+int8"  # the bundled model, int8 (features.INT8)
    category = metadata["metrics"]["category"]
    assert 0 < category["threshold"] <= 1 and 0 <= category["coverage"] <= 1


def test_a_router_trained_before_int8_keeps_the_float_encoder(router, tmp_path):
    """Its example vectors and features came from the float model: int8 vectors would not match them."""
    import joblib

    from gwangju_civic.routing.features import encode

    folder = router.save(tmp_path, activate=False)
    parts = joblib.load(folder / "pipeline.joblib")
    joblib.dump({**parts, "embedding_model": None}, folder / "pipeline.joblib")
    older = Router.load(folder)
    assert older.embedding_model == "all-MiniLM-L6-v2"
    text = "Streetlight out on Geumnam-ro for a week"
    minilm = slice(0, 384)  # e5's columns follow, zeros for a text of Latin letters only
    np.testing.assert_allclose(older.feature_embeddings([text])[:, minilm], encode([text], "all-MiniLM-L6-v2"),
                               atol=1e-6)
    assert not np.allclose(router.feature_embeddings([text])[:, minilm], encode([text], "all-MiniLM-L6-v2"),
                           atol=1e-3)


def test_a_router_trained_before_e5_routes_korean_without_it(tmp_path):
    """Saved before the Korean encoder existed: no `korean_model`, no `latin_dimension`, MiniLM-only vectors."""
    import joblib

    from gwangju_civic.routing.corpus import load_seed_corpus, taxonomy_from_json
    from gwangju_civic.routing.training import SEED_CORPUS_DIR
    from gwangju_civic.taxonomy.seed import TAXONOMY_FILE

    examples = [e for e in load_seed_corpus(SEED_CORPUS_DIR, taxonomy_from_json(TAXONOMY_FILE))
                if e.category in ("pothole", "streetlight_out", "noise")][::3]
    older = Router.train(examples, korean_model=None)
    assert older.example_embeddings.shape[1] == 384 and older.metadata["korean_model"] is None
    folder = older.save(tmp_path, activate=False)
    parts = joblib.load(folder / "pipeline.joblib")
    del parts["korean_model"]
    del parts["features"].latin_dimension
    joblib.dump(parts, folder / "pipeline.joblib")
    loaded = Router.load(folder)
    assert loaded.korean_model is None
    texts = ["골목 가로등이 며칠째 안 켜져서 밤에 무서워요", "Loud music from the bar every night"]
    assert loaded.feature_embeddings(texts).shape == (2, 384)
    assert not loaded.feature_embeddings(texts)[0].any()  # a Hangul-only text runs no encoder, as before
    assert loaded.route_many(texts) == [replace(r, model_version=loaded.version) for r in older.route_many(texts)]
    assert loaded.route(texts[0]).category.label == "streetlight_out"


def test_save_and_load_give_the_same_routing(router, tmp_path):
    path = router.save(tmp_path)
    again = Router.load(path)
    text = "Loud music from the bar every night until 3 am"
    before, after = router.route(text).to_dict(), again.route(text).to_dict()
    assert after.pop("model_version") == path.name
    before.pop("model_version")
    assert after == before
    assert (tmp_path / "ACTIVE").read_text() == path.name


def test_saving_without_activating_keeps_the_active_version(router, tmp_path):
    first = router.save(tmp_path)
    second = router.save(tmp_path, activate=False)
    assert [(v.name, v.active) for v in list_versions(tmp_path)] == [(second.name, False), (first.name, True)]
    activate(tmp_path, second.name)
    assert Router.load_active(tmp_path).version == second.name
    with pytest.raises(ValueError, match="no router version"):
        activate(tmp_path, "../etc")


def test_missing_and_corrupt_artifacts_raise_a_clear_error(router, tmp_path):
    with pytest.raises(RouterUnavailable, match="no active router"):
        Router.load_active(tmp_path / "nothing-here")
    path = router.save(tmp_path)
    (path / "pipeline.joblib").write_bytes(b"\x00 not a pipeline")
    with pytest.raises(RouterUnavailable, match="unreadable"):
        Router.load(path)
    (path / "pipeline.joblib").unlink()
    with pytest.raises(RouterUnavailable, match="no trained router"):
        Router.load(path)


def test_a_staff_correction_is_counted_and_learned():
    examples = [TrainingExample(f"broken lamp post number {n}", "problem", "streetlight_out", "roads", "PP17", "P3")
                for n in range(6)]
    examples += [TrainingExample(f"pothole in lane {n}", "problem", "pothole", "roads", "PP17", "P2")
                 for n in range(6)]
    corrected = TrainingExample("lamp post hole", "problem", "pothole", "roads", "PP17", "P2", weight=3.0)
    router = Router.train(examples + [corrected])
    assert router.metadata["n_corrections"] == 1
    assert router.route("lamp post hole").category.label == "pothole"


def test_coverage_at_precision_and_calibration_error():
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5])
    correct = np.array([True, True, True, False, False])
    assert coverage_at_precision(scores, correct, 0.9) == (0.6, 0.7)
    assert coverage_at_precision(scores, np.zeros(5, dtype=bool), 0.9) == (0.0, 1.0)
    assert expected_calibration_error(np.array([1.0, 1.0]), np.array([True, True])) == 0.0


def test_evaluate_compares_the_design_with_the_baseline_on_any_labels():
    rows = [(f"the bus {n} did not stop at my station", "transit") for n in range(10)]
    rows += [(f"garbage bags {n} dumped in the alley", "waste") for n in range(10)]
    rows += [(f"버스 {n}번이 정류장을 그냥 지나쳤어요", "transit") for n in range(10)]
    train, test = stratified_split(rows, test_size=0.3, seed=0)
    result = evaluate(train, test)
    for model in ("router", "baseline"):
        assert result[model]["accuracy"] == 1.0
        assert set(result[model]["per_class_f1"]) == {"transit", "waste"}


def test_the_same_examples_train_the_same_head_whatever_the_global_random_state():
    texts = [f"pothole {n} on the road near the market" for n in range(12)]
    texts += [f"streetlight {n} dark all night in the alley" for n in range(12)]
    texts += [f"가로등 {n}번이 밤새 꺼져 있어요" for n in range(12)]
    labels = ["pothole"] * 12 + ["streetlight_out"] * 24
    features = TextFeatures().fit(texts)
    matrix = features.transform(texts, np.zeros((len(texts), 384), dtype=np.float32))
    heads = []
    for state in (1, 2):  # liblinear's dual solver shuffles with numpy's global state unless seeded
        np.random.seed(state)
        heads.append(fit_head(matrix, labels))
    assert np.array_equal(heads[0].svm.coef_, heads[1].svm.coef_)
    assert np.array_equal(heads[0].held_out_confidence, heads[1].held_out_confidence)
