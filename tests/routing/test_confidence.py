"""Honest confidence: calibrated figures on held-out data, abstention on unfamiliar text, no false 100%."""
import csv
import json
import re
from types import SimpleNamespace

import numpy as np
import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import RoutingLabel, Status, Submission, SubmissionKind
from gwangju_civic.routing.confidence import chosen_threshold, out_of_fold_threshold
from gwangju_civic.routing.corpus import load_seed_corpus, taxonomy_from_json
from gwangju_civic.routing.display import display_percent
from gwangju_civic.routing.router import HEADS, Router
from gwangju_civic.routing.training import SEED_CORPUS_DIR
from gwangju_civic.taxonomy.seed import TAXONOMY_FILE
from tests.conftest import use_router

# Nothing like these is in the training slice (roads, lights, dumping, noise, flooding, stray animals).
UNFAMILIAR = ["Please open a startup incubator and fund coding bootcamps for young people",
              "인공지능 스타트업 창업 지원금을 늘려 주세요"]
FAMILIAR = ["The streetlight outside our apartment has been dark for a week and the alley is pitch black at night.",
            "상무지구 시청 앞 도로에 포트홀이 생겨서 차들이 피해 가다가 사고 날 뻔했어요."]


@pytest.fixture(scope="module")
def router(trained_router_dir) -> Router:
    return Router.load_active(trained_router_dir)


def test_metadata_records_calibration_and_the_abstention_cut_chosen_on_held_out_data(router):
    cut = router.metadata["abstention"]["cut"]
    assert 0 < cut["embedding"] < 1 and 0 < cut["ngram"] < 1
    for head in ("category", "department", "urgency"):
        metrics = router.metrics[head]
        assert 0 <= metrics["ece"] < 0.5 and metrics["reliability"]
        assert sum(row["count"] for row in metrics["reliability"]) == metrics["n_validation"]
        # validation texts check the threshold the rule chose without them; on 105 texts it may route none
        assert 0 < metrics["validation_threshold"] <= 1 and 0 <= metrics["coverage"] <= 1
        assert (metrics["precision"] is None) == (metrics["coverage"] == 0)


def test_the_threshold_is_where_out_of_fold_routing_is_90_percent_right(router):
    category = router.heads["category"]
    threshold, figures = router.metrics["category"]["threshold"], router.metrics["category"]["out_of_fold"]
    above = category.held_out_confidence >= threshold
    assert 0 < above.mean() < 1 and figures["coverage"] == above.mean()
    right = category.held_out_predicted == np.array(router.example_labels)  # the examples' categories, in order
    assert right[above].mean() == figures["precision"]["category"] >= 0.9
    assert figures["precision"]["department"] >= 0.9


def test_ties_enter_together_and_a_handful_is_not_evidence():
    tied = np.full(20, 0.8)
    right = np.arange(20) < 17  # cut inside the tie, the first 18 look 94% right; but all 20 are routed: 85%
    assert out_of_fold_threshold(tied, lambda threshold: {"category": right}) == (1.0, {"coverage": 0.0,
                                                                                    "precision": None})
    few = np.array([0.95] * 5 + [0.5] * 20)
    assert out_of_fold_threshold(few, lambda threshold: {"category": np.arange(25) < 5})[0] == 1.0


def test_the_department_judged_is_the_one_the_service_routes():
    truth = {"category": np.array(["pothole"] * 12), "department": np.array(["roads"] * 12)}
    category = SimpleNamespace(held_out_predicted=truth["category"], held_out_confidence=np.full(12, 0.9))
    unsure = SimpleNamespace(held_out_predicted=np.array(["parks"] * 12), held_out_confidence=np.full(12, 0.5))
    # below the threshold the department head is not used: the category's department (roads) is routed, and right
    assert chosen_threshold({"category": category, "department": unsure}, "category", truth)[0] == 0.9
    sure = SimpleNamespace(held_out_predicted=unsure.held_out_predicted, held_out_confidence=np.full(12, 0.95))
    assert chosen_threshold({"category": category, "department": sure}, "category", truth)[0] == 1.0


def test_unfamiliar_text_is_abstained_on_whatever_the_heads_say(router):
    routings = router.route_many(UNFAMILIAR + FAMILIAR, ["idea", "idea", "problem", "problem"])
    assert [r.abstained for r in routings] == [True, True, False, False]


def test_no_head_ever_reaches_100_percent(router):
    examples = load_seed_corpus(SEED_CORPUS_DIR, taxonomy_from_json(TAXONOMY_FILE))[::25]
    routings = router.route_many([e.text for e in examples], [e.kind for e in examples])
    for head in HEADS:
        top = np.array([getattr(r, head).probability for r in routings])
        if len(router.metadata["labels"][head]) > 1:
            assert top.max() < 1.0, head
    assert display_percent(0.9996) == "> 99%" and display_percent(0.995) == "> 99%"
    assert display_percent(1.0) == "100%" and display_percent(0.994) == "99%" and display_percent(0.0004) == "< 1%"
    assert display_percent(0.0) == "0%" and display_percent(0.5) == "50%"


@pytest.mark.app_config(ROUTER_CONFIDENCE_THRESHOLD=0.3)
def test_an_out_of_domain_report_goes_to_triage_with_the_reason(app, with_router, make_submission, staff, auth,
                                                                 client):
    code = make_submission(title="Startup incubator", description=UNFAMILIAR[0])
    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
        assert submission.status == Status.NEEDS_TRIAGE and submission.department is None
        assert submission.routing["abstained"] is True
        notes = [e.message for e in submission.events if e.action == "note"]
        assert notes and notes[0].startswith("far from every example the router learned from")
        assert db.session.scalar(select(RoutingLabel)) is None  # not a confident routing: no label
        submission_id = submission.id
    auth.login("admin")
    page = client.get(f"/admin/submissions/{submission_id}").get_data(as_text=True)
    assert 'id="router-abstained"' in page
    shown = re.findall(r'scope="row">([^<]+)</th><td data-label="Suggestion">[^<]*\((\S+%)\)', page)
    assert len(shown) == 4 and {head for head, p in shown if p == "100%"} <= {"Plan priority"}  # one label: exact


def test_evaluate_json_reports_ece_and_auto_routing(runner, tmp_path):
    examples = [e for e in load_seed_corpus(SEED_CORPUS_DIR, taxonomy_from_json(TAXONOMY_FILE))
                if e.category in ("pothole", "noise", "flooding", "stray_animals")]
    paths = {}
    for name, rows in (("train", examples[0::3] + examples[1::3]), ("test", examples[2::3])):
        paths[name] = tmp_path / f"{name}.csv"
        with paths[name].open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(["text", "label"])
            writer.writerows([(e.text, e.category) for e in rows])
    result = runner.invoke(args=["router", "evaluate", "--train", str(paths["train"]), "--test", str(paths["test"]),
                                 "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])["router"]
    assert 0 <= figures["ece"] < 0.5
    auto = figures["auto_routing"]
    assert 0 < auto["threshold"] < 1 and 0 < auto["coverage"] <= 1 and 0 <= auto["precision"] <= 1
    assert set(auto["abstain_below"]) == {"embedding", "ngram"}


@pytest.fixture(scope="module")
def seed_router_dir(tmp_path_factory):
    """The router `make run` trains: every example of the seed corpus."""
    directory = tmp_path_factory.mktemp("seed-router")
    Router.train(load_seed_corpus(SEED_CORPUS_DIR, taxonomy_from_json(TAXONOMY_FILE))).save(directory)
    return directory


@pytest.mark.parametrize("description", ["Bike lanes along Gwangju Stream",
                                         "Please build bike lanes along Gwangju Stream.",
                                         "An idea for the city: bike lanes along Gwangju Stream."])
def test_the_bike_lane_idea_goes_to_cycling_or_to_triage_never_to_the_stream(app, seed_router_dir, make_submission,
                                                                              description):
    """Issue 13's example: it was auto-routed to Sewers and Rivers at "100%"."""
    use_router(app, seed_router_dir)
    threshold = Router.load_active(seed_router_dir).metrics["category"]["threshold"]
    code = make_submission(kind=SubmissionKind.IDEA, title="Bike lanes along Gwangju Stream", description=description)
    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
        assert submission.routing is not None  # the router ran: its suggestions are kept either way
        if submission.status == Status.NEEDS_TRIAGE:
            assert submission.department is None
            assert submission.routing["abstained"] or submission.routing_confidence < threshold
            assert submission.routing["category"]["label"] in ("cycling", "rivers_streams")
        else:
            assert submission.status == Status.ROUTED and submission.category.code == "cycling"
            assert submission.department.code != "sewers_rivers"
