"""Nothing is lost: database outages spool the report, failed photo processing sends it to triage."""
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.intake import spool
from gwangju_civic.models import Status, Submission
from tests.factories import form_data, image_bytes


def test_pages_that_need_the_database_answer_503(outage_app):
    client = outage_app.test_client()
    client.set_cookie("lang", "en")
    for url in ("/track/GJ-2222-2222", "/submissions", "/"):
        response = client.get(url)
        assert response.status_code == 503
        assert "briefly unavailable" in response.text


def test_a_report_sent_during_an_outage_is_spooled_then_filed_with_its_code(outage_app, app, runner):
    client = outage_app.test_client()
    client.set_cookie("lang", "en")
    data = form_data()
    data["photos"] = [(io.BytesIO(image_bytes(gps=True)), "a.jpg")]
    response = client.post("/report", data=data, content_type="multipart/form-data")
    assert response.status_code == 202
    assert "Nothing you sent is lost." in response.text
    [entry] = spool.spooled(Path(outage_app.config["SPOOL_FOLDER"]))
    code = entry.name
    assert code in response.text

    app.config["SPOOL_FOLDER"] = outage_app.config["SPOOL_FOLDER"]
    result = runner.invoke(args=["intake", "replay"])
    assert result.exit_code == 0, result.output
    assert f"filed {code}" in result.output
    assert spool.spooled(Path(app.config["SPOOL_FOLDER"])) == []
    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
        assert submission.title == data["title"] and len(submission.photos) == 1


def test_replay_does_not_file_a_report_twice(app, runner, make_submission):
    code = make_submission()
    with app.app_context():
        stored = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
        draft_fields = dict(kind=stored.kind, title=stored.title, description=stored.description)
    from gwangju_civic.submissions.operations import SubmissionDraft

    spool.spool(SubmissionDraft(**draft_fields, tracking_code=code), Path(app.config["SPOOL_FOLDER"]))
    result = runner.invoke(args=["intake", "replay"])
    assert f"{code} was already filed" in result.output
    with app.app_context():
        assert len(db.session.scalars(select(Submission)).all()) == 1


def post_with_a_photo_that_cannot_be_stored(client, app, **fields):
    """An upload folder that is a file cannot hold photos: storing fails after the report is committed."""
    Path(app.config["UPLOAD_FOLDER"]).rmdir()
    Path(app.config["UPLOAD_FOLDER"]).write_text("not a folder")
    client.set_cookie("lang", "en")
    data = form_data(**fields)
    data["photos"] = [(io.BytesIO(image_bytes()), "a.jpg")]
    response = client.post("/report", data=data, content_type="multipart/form-data")
    assert response.status_code == 302


def test_a_photo_that_fails_processing_sends_the_stored_report_to_triage(client, app):
    post_with_a_photo_that_cannot_be_stored(client, app)
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        assert submission.status == Status.NEEDS_TRIAGE
        assert submission.photos == []
        assert any("photos could not be stored" in (event.message or "") for event in submission.events)


@pytest.mark.app_config(ROUTER_CONFIDENCE_THRESHOLD=0.3)
def test_a_report_sent_to_triage_stays_there_when_a_confident_router_runs(client, app, with_router):
    """The router only decides for new reports: one a person must look at keeps waiting for that person."""
    post_with_a_photo_that_cannot_be_stored(
        client, app, title="Streetlight out",
        description="The streetlight outside our apartment has been dark for a week and the alley is pitch black "
                    "at night.")
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        assert submission.status == Status.NEEDS_TRIAGE
        assert submission.department is None and submission.category is None
        assert submission.routing["category"]["label"] == "streetlight_out"  # the suggestion waits for staff
        assert [e.new_value for e in submission.events if e.action == "status_changed"] == ["needs_triage"]
