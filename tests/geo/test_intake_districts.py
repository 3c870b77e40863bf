"""Intake gives a pinned report its district, refuses a point outside the five gu, and spool replay does the same."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gwangju_civic.extensions import db
from gwangju_civic.intake import spool
from gwangju_civic.intake.replay import replay_spool
from gwangju_civic.models import Submission, SubmissionKind
from gwangju_civic.submissions.operations import SubmissionDraft
from tests.factories import form_data

OUTSIDE = "This point is outside Gwangju. Move the pin into one of its five districts, or give an address instead."


def stored(app) -> list[Submission]:
    with app.app_context():
        rows = list(db.session.scalars(select(Submission).order_by(Submission.id)))
        db.session.expunge_all()
        return rows


def post(client, language="en", **overrides):
    client.set_cookie("lang", language)
    return client.post("/report", data=form_data(**overrides))


@pytest.mark.parametrize(("latitude", "longitude", "code", "korean_name"), [
    ("35.1600", "126.8526", "29140", "서구"),
    ("35.1410", "126.9300", "29110", "동구"),
    ("35.1375", "126.7930", "29200", "광산구"),
])
def test_a_pinned_report_stores_its_district_and_the_tracking_page_names_it(app, client, latitude, longitude, code,
                                                                            korean_name):
    response = post(client, "ko", latitude=latitude, longitude=longitude)
    assert response.status_code == 302
    [submission] = stored(app)
    assert submission.district_code == code
    assert f"<dd>{korean_name}</dd>" in client.get(f"/track/{submission.tracking_code}").text
    assert f"<dd>{korean_name}</dd>" in client.get(f"/submissions/{submission.id}").text  # the public page too
    client.set_cookie("lang", "en")
    assert "<dt>District</dt>" in client.get(f"/track/{submission.tracking_code}").text


@pytest.mark.parametrize(("latitude", "longitude"), [
    ("35.3210", "126.9880"),  # Damyang: inside the old rectangle, outside the city
    ("37.5663", "126.9779"),  # Seoul
    ("nan", "126.85"),
    ("91", "126.85"),
])
def test_a_point_outside_the_five_districts_is_refused_and_nothing_is_stored(app, client, latitude, longitude):
    response = post(client, latitude=latitude, longitude=longitude)
    assert response.status_code == 400
    assert OUTSIDE in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


@pytest.mark.parametrize(("language", "message"), [
    ("ko", "광주광역시 밖의 위치입니다."),
    ("fr", "Ce point est en dehors de Gwangju."),
])
def test_the_refusal_is_translated(client, language, message):
    assert message in post(client, language, latitude="35.3210", longitude="126.9880").text


def test_an_address_alone_is_still_enough_and_has_no_district(app, client):
    assert post(client, latitude="", longitude="").status_code == 302
    assert stored(app)[0].district_code is None


def test_a_spooled_pinned_report_gets_its_district_when_replayed(app):
    folder = Path(app.config["SPOOL_FOLDER"])
    spool.spool(SubmissionDraft(kind=SubmissionKind.PROBLEM, title="Spooled pothole", latitude=35.1770,
                                longitude=126.9105, description="Sent while the database was down."), folder)
    with app.app_context():
        replay_spool(folder)
    [submission] = stored(app)
    assert submission.district_code == "29170"
