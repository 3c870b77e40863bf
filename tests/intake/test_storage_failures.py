"""A stored report always gets its code; one the database refused is never called safe."""
import io
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import func, select

from gwangju_civic.extensions import db
from gwangju_civic.intake import spool
from gwangju_civic.models import Photo, Status, Submission
from tests.factories import form_data, image_bytes


def submissions(app) -> list[Submission]:
    with app.app_context():
        return list(db.session.scalars(select(Submission)))


def test_a_database_failure_while_routing_still_gives_the_resident_the_code(app, client, refuse_writes):
    refuse_writes("UPDATE")  # the report is inserted, then every later write to it fails
    client.set_cookie("lang", "en")
    response = client.post("/report", data=form_data())
    assert response.status_code == 302
    code = response.headers["Location"].rsplit("/", 1)[-1]
    receipt = client.get(response.headers["Location"])
    assert receipt.status_code == 200 and code in receipt.text
    [stored] = submissions(app)
    assert stored.tracking_code == code and stored.status == Status.NEW  # still first in the triage queue


def test_any_error_in_the_optional_steps_still_gives_the_resident_the_code(app, client):
    def disk_on_fire(mapper, connection, target) -> None:
        raise RuntimeError("disk on fire")

    sa.event.listen(Submission, "before_update", disk_on_fire)
    try:
        response = client.post("/report", data=form_data())
    finally:
        sa.event.remove(Submission, "before_update", disk_on_fire)
    assert response.status_code == 302
    [stored] = submissions(app)
    assert response.headers["Location"].endswith(stored.tracking_code)


def test_a_report_the_database_refuses_gets_no_false_promise(app, client, refuse_writes):
    refuse_writes("INSERT")
    client.set_cookie("lang", "en")
    response = client.post("/report", data=form_data())
    assert response.status_code == 500
    assert "could not be stored" in response.text
    assert "lost" not in response.text and "GJ-" not in response.text
    assert submissions(app) == [] and spool.spooled(Path(app.config["SPOOL_FOLDER"])) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_photos_stored_before_routing_failed_are_kept_with_the_report(app, client, refuse_writes):
    refuse_writes("UPDATE")  # photos are inserted, then routing's update of the report fails
    data = form_data(photos=[(io.BytesIO(image_bytes()), "pothole.jpg")])
    response = client.post("/report", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        [photo] = db.session.scalars(select(Photo)).all()
        assert (Path(app.config["UPLOAD_FOLDER"]) / photo.filename).is_file()
    assert len(list(Path(app.config["UPLOAD_FOLDER"]).iterdir())) == 1  # no orphan file either
