"""Spooled reports are filed automatically once the database is back, once each, even by two replays at once."""
import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from gwangju_civic.extensions import db
from gwangju_civic.intake import spool
from gwangju_civic.intake.replay import STALE_CLAIM_SECONDS, Replayed, replay_spool
from gwangju_civic.models import Submission, SubmissionKind
from gwangju_civic.submissions.operations import SubmissionDraft
from tests.factories import form_data


def spool_during_outage(outage_app) -> str:
    """A resident sends a report while the database is down; returns the code the 202 page showed."""
    client = outage_app.test_client()
    client.set_cookie("lang", "en")
    response = client.post("/report", data=form_data(title="Flooded underpass"))
    assert response.status_code == 202
    [entry] = spool.spooled(Path(outage_app.config["SPOOL_FOLDER"]))
    assert entry.name in response.text
    return entry.name


def draft(number: int) -> SubmissionDraft:
    return SubmissionDraft(kind=SubmissionKind.PROBLEM, title=f"Spooled report {number}",
                           description="Sent while the database was down.", address="Gwangju Buk-gu")


def replay(app, folder: Path) -> list[Replayed]:
    with app.app_context():
        return replay_spool(folder)


def codes_filed(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(Submission.tracking_code)))


def test_the_first_request_after_the_outage_files_the_spooled_report(outage_app, app, client):
    code = spool_during_outage(outage_app)
    app.config["SPOOL_FOLDER"] = outage_app.config["SPOOL_FOLDER"]
    client.set_cookie("lang", "en")
    page = client.get(f"/track/{code}")
    assert page.status_code == 200
    assert "Flooded underpass" in page.text and code in page.text
    assert codes_filed(app) == [code]
    assert spool.spooled(Path(app.config["SPOOL_FOLDER"])) == []


def test_a_spooled_code_is_being_filed_while_the_database_is_still_down(outage_app):
    code = spool_during_outage(outage_app)
    client = outage_app.test_client()
    client.set_cookie("lang", "en")
    page = client.get(f"/track/{code}")
    assert page.status_code == 202
    assert "being filed" in page.text and code in page.text
    assert client.get("/track/GJ-2222-2222").status_code == 503  # a code the spool does not hold


@pytest.mark.app_config(SPOOL_CHECK_SECONDS=3600)
def test_between_checks_a_spooled_code_says_being_filed_not_404(app, client):
    client.get("/")  # this process has just looked at the (empty) spool
    entry = spool.spool(draft(1), Path(app.config["SPOOL_FOLDER"]))
    client.set_cookie("lang", "en")
    page = client.get(f"/track/{entry.name}")
    assert page.status_code == 202 and "being filed" in page.text
    assert client.get("/track/GJ-2222-2222").status_code == 404


def test_a_report_another_replay_is_filing_says_being_filed(app, client):
    entry = spool.spool(draft(1), Path(app.config["SPOOL_FOLDER"]))
    assert spool.claim(entry) is not None  # another worker is filing it right now
    client.set_cookie("lang", "en")
    page = client.get(f"/track/{entry.name}")
    assert page.status_code == 202 and "being filed" in page.text
    assert codes_filed(app) == []


def test_two_replays_at_once_file_every_report_exactly_once(app):
    folder = Path(app.config["SPOOL_FOLDER"])
    codes = sorted(spool.spool(draft(number), folder).name for number in range(6))
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def one_replay() -> None:
        try:
            with app.app_context():
                start.wait()
                replay_spool(folder)
        except BaseException as error:  # noqa: B036 - reported to the test below
            errors.append(error)

    workers = [threading.Thread(target=one_replay) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert codes_filed(app) == codes
    assert list(folder.iterdir()) == []


def test_a_claim_left_by_a_replay_that_died_is_filed_later(app):
    folder = Path(app.config["SPOOL_FOLDER"])
    entry = spool.spool(draft(1), folder)
    claimed = spool.claim(entry)
    assert claimed is not None
    assert replay(app, folder) == []  # a fresh claim belongs to a replay that may still be working
    long_ago = time.time() - STALE_CLAIM_SECONDS - 60
    os.utime(claimed, (long_ago, long_ago))
    [replayed] = replay(app, folder)
    assert (replayed.code, replayed.outcome) == (entry.name, "filed")
    assert codes_filed(app) == [entry.name] and list(folder.iterdir()) == []


def test_a_code_already_filed_is_not_filed_again(app, make_submission):
    folder = Path(app.config["SPOOL_FOLDER"])
    same = draft(1)
    same.tracking_code = make_submission(title=same.title, description=same.description)
    spool.spool(same, folder)
    [replayed] = replay(app, folder)
    assert replayed.outcome == "already filed"
    assert codes_filed(app) == [same.tracking_code] and list(folder.iterdir()) == []


def test_a_different_report_that_drew_a_taken_code_is_filed_under_a_new_one(app, make_submission):
    folder = Path(app.config["SPOOL_FOLDER"])
    other = draft(2)
    other.tracking_code = make_submission(title="A different report on another street")
    spool.spool(other, folder)
    [replayed] = replay(app, folder)
    assert replayed.outcome == "filed" and replayed.code != other.tracking_code
    assert len(codes_filed(app)) == 2


def test_a_replay_during_the_outage_keeps_everything_for_later(outage_app):
    folder = Path(outage_app.config["SPOOL_FOLDER"])
    code = spool_during_outage(outage_app)
    with outage_app.app_context():
        with pytest.raises(OperationalError):
            replay_spool(folder)
    assert [entry.name for entry in spool.spooled(folder)] == [code]


def test_a_report_set_aside_by_a_failed_replay_says_a_person_will_file_it(app, client):
    entry = spool.spool(draft(1), Path(app.config["SPOOL_FOLDER"]))
    claimed = spool.claim(entry)
    assert claimed is not None
    spool.set_aside(claimed)  # what a replay does when filing fails for a reason other than an outage
    client.set_cookie("lang", "en")
    page = client.get(f"/track/{entry.name}")
    assert page.status_code == 202 and entry.name in page.text
    assert "needs a person to file it" in page.text and "within minutes" not in page.text
