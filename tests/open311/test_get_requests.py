"""GET requests and requests/{id}: the issue's fields, filters, the default window, W3C dates, privacy."""
from datetime import timedelta

import pytest

from gwangju_civic.extensions import db
from gwangju_civic.models import Status, Submission, utcnow
from gwangju_civic.submissions.operations import change_status
from tests.open311.conftest import as_json, as_xml, children, post

FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
          "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
          "address", "lat", "long", "media_url"]
KOREAN = "버스 정류장 앞 도로에 큰 구멍이 났어요.\n빨리 고쳐 주세요 — 감사합니다!"
FRENCH = "Un nid-de-poule énorme près de l'arrêt « Sangmu » : c'est dangereux, même à vélo où ça glisse."


def filed(client, key, **fields) -> str:
    response = post(client, key, **fields)
    assert response.status_code == 201, response.get_data(as_text=True)
    return as_json(response)[0]["service_request_id"]


def test_one_request_in_both_formats_with_every_field(app, client, api_key):
    request_id = filed(client, api_key, description=KOREAN, address_string="광주 서구 상무대로 1")
    [record] = as_json(client.get(f"/open311/v2/requests/{request_id}.json?locale=ko"))
    assert list(record) == FIELDS
    assert record["service_request_id"] == request_id and record["status"] == "open"
    assert record["description"] == KOREAN.strip() and record["service_code"] == "pothole"
    assert record["requested_datetime"].endswith("+09:00") and "Z" not in record["requested_datetime"]
    assert isinstance(record["lat"], float) and record["media_url"] is None
    root = as_xml(client.get(f"/open311/v2/requests/{request_id}.xml?locale=ko"))
    assert root.tag == "service_requests" and children(root) == ["request"]
    assert children(root[0]) == FIELDS
    for name in FIELDS:
        expected = record[name]
        assert root[0].findtext(name) == ("" if expected is None else str(expected)), name
    for fmt in ("json", "xml"):
        assert client.get(f"/open311/v2/requests/999999.{fmt}").status_code == 404
        assert client.get(f"/open311/v2/requests/abc.{fmt}").status_code == 404


@pytest.mark.parametrize("text", [KOREAN, FRENCH])
def test_korean_and_french_round_trip_exactly(client, api_key, text):
    request_id = filed(client, api_key, description=text)
    assert as_json(client.get(f"/open311/v2/requests/{request_id}.json"))[0]["description"] == text.strip()
    assert as_xml(client.get(f"/open311/v2/requests/{request_id}.xml"))[0].findtext("description") == text.strip()


def test_closed_statuses_status_notes_and_the_filters(app, client, api_key):
    open_id = filed(client, api_key)
    closed_id = filed(client, api_key, service_code="noise", description="Loud construction every night at 3am.")
    with app.test_request_context():
        submission = db.session.get(Submission, int(closed_id))
        change_status(submission, Status.ASSIGNED, "staff", message="Crew sent on Monday.")
        change_status(submission, Status.RESOLVED, "staff", message="Fixed; call 010-9876-5432 if not.")
        db.session.commit()
    listing = as_json(client.get("/open311/v2/requests.json"))
    assert [r["service_request_id"] for r in listing] == [closed_id, open_id]  # newest first
    closed = as_json(client.get("/open311/v2/requests.json?status=closed"))
    assert [r["service_request_id"] for r in closed] == [closed_id]
    assert closed[0]["status"] == "closed" and "010-9876-5432" not in closed[0]["status_notes"]
    assert closed[0]["status_notes"].startswith("Fixed")
    assert [r["service_request_id"] for r in as_json(client.get("/open311/v2/requests.json?status=open"))] == [open_id]
    by_code = as_json(client.get("/open311/v2/requests.json?service_code=noise,streetlight_out"))
    assert [r["service_request_id"] for r in by_code] == [closed_id]
    ids = as_json(client.get(f"/open311/v2/requests.json?service_request_id={open_id},{closed_id},x,{'9' * 5000}&status=open"))
    assert sorted(r["service_request_id"] for r in ids) == sorted([open_id, closed_id])  # ids override filters
    xml = as_xml(client.get("/open311/v2/requests.xml?status=closed"))
    assert [r.findtext("service_request_id") for r in xml] == [closed_id]


def test_dates_any_offset_the_default_window_and_bad_dates(app, client, api_key):
    recent = filed(client, api_key)
    old = filed(client, api_key, description="An old report from last winter about ice.")
    with app.app_context():
        db.session.get(Submission, int(old)).created_at = utcnow() - timedelta(days=120)
        db.session.commit()
    assert [r["service_request_id"] for r in as_json(client.get("/open311/v2/requests.json"))] == [recent]
    start = (utcnow() - timedelta(days=200)).astimezone().strftime("%Y-%m-%dT%H:%M:%S")
    wide = as_json(client.get(f"/open311/v2/requests.json?start_date={start}-05:00"))
    assert [r["service_request_id"] for r in wide] == [recent, old]
    end = (utcnow() - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert [r["service_request_id"] for r in as_json(client.get(f"/open311/v2/requests.json?end_date={end}"))] \
        == [old]
    kst_now = (utcnow() + timedelta(hours=9, minutes=1)).strftime("%Y-%m-%dT%H:%M:%S+09:00").replace("+", "%2B")
    assert recent in [r["service_request_id"] for r in
                      as_json(client.get(f"/open311/v2/requests.json?end_date={kst_now}"))]
    for bad in ("yesterday", "2024-05-01", "2024-13-01T00:00:00Z", "2024-05-01T00:00:00",
                "2024-05-01T00:00:00%2B25:00"):
        for fmt in ("json", "xml"):
            response = client.get(f"/open311/v2/requests.{fmt}?start_date={bad}")
            assert response.status_code == 400, bad
    swapped = client.get("/open311/v2/requests.json?start_date=2024-05-02T00:00:00Z&end_date=2024-05-01T00:00:00Z")
    assert swapped.status_code == 400
    assert client.get("/open311/v2/requests.json?status=pending").status_code == 400


def test_hidden_reports_are_left_out(app, client, api_key):
    request_id = filed(client, api_key)
    with app.app_context():
        db.session.get(Submission, int(request_id)).is_hidden = True
        db.session.commit()
    assert as_json(client.get("/open311/v2/requests.json")) == []
    assert client.get(f"/open311/v2/requests/{request_id}.json").status_code == 404


def test_a_photo_link_points_at_the_public_site_never_the_requests_host(app, client, api_key):
    from gwangju_civic.models import Photo

    app.config["PUBLIC_URL"] = "https://civic.gwangju.example"
    request_id = filed(client, api_key)
    with app.app_context():
        db.session.add(Photo(submission_id=int(request_id), filename="a1b2c3.jpg", content_type="image/jpeg",
                             width=10, height=10, size_bytes=100))
        db.session.commit()
    [record] = as_json(client.get(f"/open311/v2/requests/{request_id}.json", headers={"Host": "evil.example"}))
    assert record["media_url"].startswith("https://civic.gwangju.example/") and "a1b2c3.jpg" in record["media_url"]
