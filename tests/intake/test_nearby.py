"""GET /report/similar: open public reports near the pin or alike in meaning, public fields only, bounded, throttled."""
import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Status, Submission
from gwangju_civic.routing.similarity import current_similarity, embed_pending

HERE = {"latitude": "35.1330", "longitude": "126.9050"}
FIELDS = {"id", "title", "kind_label", "status_label", "category_label", "district_label", "distance_m", "url",
          "follow_url"}


@pytest.fixture
def reports(app, make_submission) -> dict[str, str]:
    """Tracking codes: one next to the pin, one far away alike in meaning, one far and unrelated, hidden, closed."""
    codes = {
        "close": make_submission(title="쓰레기 무단투기", description="공터에 쓰레기가 쌓여 있어요.",
                                 latitude=35.1331, longitude=126.9051, contact_email="kim@example.com",
                                 contact_phone="010-1234-5678"),
        "alike": make_submission(title="도로 파임", description="사거리 도로가 움푹 파여서 차들이 피해 다녀요.",
                                 latitude=35.1600, longitude=126.8500),
        "unrelated": make_submission(title="어르신 교육", description="어르신 스마트폰 교실을 늘려 주세요.",
                                     latitude=35.1600, longitude=126.8500),
        "hidden": make_submission(title="포트홀", description="교차로에 큰 포트홀이 생겨 운전하기 위험합니다.",
                                  latitude=35.1330, longitude=126.9050),
        "closed": make_submission(title="포트홀 신고", description="교차로에 포트홀이 생겨 위험합니다.",
                                  latitude=35.1330, longitude=126.9050),
    }
    with app.app_context():
        current_similarity()  # as `preload` does at process start
        embed_pending()
        for name, change in (("hidden", {"is_hidden": True}), ("closed", {"status": Status.RESOLVED})):
            submission = db.session.scalar(select(Submission).where(Submission.tracking_code == codes[name]))
            for field, value in change.items():
                setattr(submission, field, value)
        db.session.commit()
    return codes


def ids(app, codes: dict[str, str], *names: str) -> list[int]:
    with app.app_context():
        return [db.session.scalar(select(Submission.id).where(Submission.tracking_code == codes[name]))
                for name in names]


def test_close_and_alike_open_public_reports_best_first_with_public_fields_only(app, client, reports):
    response = client.get("/report/similar", query_string={**HERE, "text": "사거리 도로가 움푹 파여서 위험해요"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    found = response.get_json()["reports"]
    assert [report["id"] for report in found] == ids(app, reports, "alike", "close")  # the same problem first
    assert all(set(report) == FIELDS for report in found)
    alike, close = found
    assert close["distance_m"] <= 20 and alike["distance_m"] > 1000
    assert close["follow_url"] == f"/submissions/{close['id']}/follow" and close["url"].endswith(f"/{close['id']}")
    for secret in ["kim@example.com", "010-1234-5678", *reports.values()]:  # no contact data, no tracking codes
        assert secret not in response.text


def test_the_pin_alone_finds_close_reports_and_the_text_alone_finds_alike_ones(app, client, reports):
    by_pin = client.get("/report/similar", query_string=HERE).get_json()["reports"]
    assert [report["id"] for report in by_pin] == ids(app, reports, "close")
    by_text = client.get("/report/similar", query_string={"text": "사거리 도로가 파여서 위험해요"}).get_json()["reports"]
    assert [report["id"] for report in by_text] == ids(app, reports, "alike")


@pytest.mark.parametrize("query", [{}, {"latitude": "abc", "longitude": "126.9"}, {"latitude": "nan", "longitude": "1"},
                                   {"text": "x"}, {"latitude": "95", "longitude": "126.9"}])
def test_nothing_to_go_on_answers_an_empty_list(client, reports, query):
    response = client.get("/report/similar", query_string=query)
    assert response.status_code == 200 and response.get_json() == {"reports": []}


def test_a_long_text_is_cut_and_the_answer_is_bounded(client, reports):
    response = client.get("/report/similar", query_string={**HERE, "text": "도로 파임 " * 5000})
    assert response.status_code == 200 and len(response.get_json()["reports"]) <= 5


@pytest.mark.app_config(NEARBY_THROTTLE="2 per minute")
def test_look_ups_are_throttled_per_client(client):
    statuses = [client.get("/report/similar", query_string=HERE).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
