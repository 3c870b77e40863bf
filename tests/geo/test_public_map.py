"""reports.geojson: public reports only, masked, no contact data or tracking codes; filters, bbox and caching."""
import json

import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.maps import features
from gwangju_civic.models import Status, Submission, SubmissionKind

CITY_HALL = {"latitude": 35.160012, "longitude": 126.852634}  # Seo-gu
CHONNAM_UNIVERSITY = {"latitude": 35.1770, "longitude": 126.9105}  # Buk-gu


def update(app, code: str, **fields) -> int:
    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
        for name, value in fields.items():
            setattr(submission, name, value)
        db.session.commit()
        return submission.id


def geojson(client, query: str = "") -> dict:
    response = client.get(f"/reports.geojson{query}")
    assert response.status_code == 200, response.text
    assert response.mimetype == "application/geo+json"
    return response.get_json(force=True)


def test_reports_carry_public_fields_only(app, client, make_submission):
    code = make_submission(title="Broken lamp, call 010-1234-5678", contact_email="resident@example.org",
                           contact_phone="010-9876-5432", description="My name is 김민수, born 1980-01-02.",
                           address="상무대로 123-45", **CITY_HALL)
    make_submission(title="No place given")  # without a point: not on the map
    body = geojson(client)
    assert body["type"] == "FeatureCollection" and body["truncated"] is False
    [feature] = body["features"]
    text = json.dumps(body, ensure_ascii=False)
    for secret in ("010-1234-5678", "010-9876-5432", "resident@example.org", code, "김민수", "1980-01-02",
                   "123-45", "상무대로"):
        assert secret not in text
    assert set(feature["properties"]) == {"title", "kind", "kind_label", "status", "status_label", "category",
                                          "category_label", "district", "district_label", "created", "url"}
    assert feature["properties"]["district"] == "29140"
    assert feature["geometry"]["coordinates"] == [126.853, 35.16]  # rounded like donated coordinates: ~100 m
    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
        assert feature["properties"]["title"] == submission.public_title != submission.title
        assert feature["properties"]["url"] == f"/submissions/{submission.id}"


def test_hidden_reports_never_appear(app, client, make_submission):
    code = make_submission(**CITY_HALL)
    assert len(geojson(client)["features"]) == 1
    update(app, code, is_hidden=True)
    assert geojson(client)["features"] == []


def test_filters_and_bbox(app, client, make_submission):
    seo = make_submission(**CITY_HALL)
    buk = make_submission(kind=SubmissionKind.IDEA, **CHONNAM_UNIVERSITY)
    update(app, buk, status=Status.IN_PROGRESS)

    def titles(query):
        return sorted(f["properties"]["district"] for f in geojson(client, query)["features"])

    assert titles("") == ["29140", "29170"]
    assert titles("?district=29170") == ["29170"]
    assert titles("?kind=problem") == ["29140"]
    assert titles("?status=in_progress") == ["29170"]
    assert titles("?status=nonsense&kind=nonsense") == ["29140", "29170"]  # unknown values are ignored
    assert titles("?bbox=126.80,35.10,126.88,35.20") == ["29140"]
    assert titles("?bbox=126.0,34.0,126.1,34.1") == []
    assert titles("?district=29110") == []
    assert seo


@pytest.mark.parametrize("bbox", ["1,2", "a,b,c,d", "127,35,126,36", "nan,35,127,36", "1,2,3,4,5"])
def test_a_malformed_bbox_is_a_400(client, bbox):
    response = client.get(f"/reports.geojson?bbox={bbox}", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "bbox" in response.get_json()["error"]["message"]


def test_cacheable_with_an_etag_that_changes_with_the_content(app, client, make_submission):
    make_submission(**CITY_HALL)
    first = client.get("/reports.geojson")
    assert "public" in first.headers["Cache-Control"] and "max-age=60" in first.headers["Cache-Control"]
    assert "Cookie" in first.headers["Vary"]
    etag = first.headers["ETag"]
    assert client.get("/reports.geojson", headers={"If-None-Match": etag}).status_code == 304
    make_submission(**CHONNAM_UNIVERSITY)
    assert client.get("/reports.geojson", headers={"If-None-Match": etag}).status_code == 200


def test_the_answer_is_bounded(app, client, make_submission, monkeypatch):
    monkeypatch.setattr(features, "MAX_FEATURES", 2)
    for _ in range(3):
        make_submission(**CITY_HALL)
    body = geojson(client)
    assert len(body["features"]) == 2 and body["truncated"] is True


def test_labels_follow_the_language(client, make_submission):
    make_submission(**CITY_HALL)
    client.set_cookie("lang", "ko")
    assert geojson(client)["features"][0]["properties"]["district_label"] == "서구"
    client.set_cookie("lang", "fr")
    assert geojson(client)["features"][0]["properties"]["district_label"] == "Seo-gu"


def test_district_outlines_name_the_source(client):
    client.set_cookie("lang", "en")
    body = client.get("/districts.geojson").get_json(force=True)
    assert [f["properties"]["code"] for f in body["features"]] == ["29110", "29140", "29155", "29170", "29200"]
    assert "Statistics Korea SGIS via vuski/admdongkor" in body["attribution"]
