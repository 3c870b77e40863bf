"""The export as a background job: queued from the page, built by the worker's task, one per campaign, visible,
and idempotent when a worker dies after writing the ZIP."""
import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from gwangju_civic.extensions import db
from gwangju_civic.jobs import runs
from gwangju_civic.jobs.queue import huey
from gwangju_civic.models import Donation, DonationExport, DonationStatus, JobRun, JobState, utcnow


@pytest.fixture
def accepted_campaign(app, client, auth, donor, make_campaign) -> int:
    """A campaign with one accepted donation (three rows), staff signed in as admin."""
    campaign_id = make_campaign()
    donor.give(campaign_id)
    auth.login("admin")
    with app.app_context():
        donation_id = db.session.scalar(select(Donation.id))
    client.post(f"/admin/campaigns/{campaign_id}/donations/{donation_id}/review", data={"decision": "accept"})
    return campaign_id


def export_runs(app) -> list[JobRun]:
    with app.app_context():
        found = list(db.session.scalars(select(JobRun).where(JobRun.kind == "export_build").order_by(JobRun.id)))
        db.session.expunge_all()
        return found


def exports_folder(app) -> list[str]:
    folder = Path(app.config["DONATION_FOLDER"]) / "exports"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def job_state(client, campaign_id: int) -> str:
    page = client.get(f"/admin/campaigns/{campaign_id}").get_data(as_text=True)
    start = page.index('id="export-job"')
    return page[start:page.index("</p>", start)]


def test_the_click_queues_a_job_the_page_shows_it_and_running_it_builds_the_zip(app, client, accepted_campaign,
                                                                                run_jobs):
    before = huey.pending_count()
    response = client.post(f"/admin/campaigns/{accepted_campaign}/exports")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/{accepted_campaign}#exports")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Export queued. The download link appears below when the job worker has built it." in page
    assert 'id="build-export" disabled' in page
    assert "job-queued" in job_state(client, accepted_campaign)
    assert "Export queued: waiting for the job worker." in job_state(client, accepted_campaign)
    (run,) = export_runs(app)
    assert (run.key, run.args["campaign_id"], run.args["actor"]) == (f"campaign:{accepted_campaign}",
                                                                    accepted_campaign, "admin:admin@gwangju-civic.example")
    assert huey.pending_count() == before + 1
    with app.app_context():  # nothing was built in the web request
        assert db.session.scalar(select(func.count()).select_from(DonationExport)) == 0
    assert exports_folder(app) == []

    with app.app_context():
        runs.claim(run.id)  # a worker took it
    assert "Export being built by the job worker." in job_state(client, accepted_campaign)
    with app.app_context():
        db.session.execute(update(JobRun).where(JobRun.id == run.id).values(state=JobState.QUEUED))
        db.session.commit()

    assert run_jobs() == 1
    (run,) = export_runs(app)
    assert (run.state, run.error) == (JobState.DONE, None)
    state = job_state(client, accepted_campaign)
    assert "job-done" in state and "Export built: 3 rows." in state and "Download ZIP" in state
    with app.app_context():
        export = db.session.scalar(select(DonationExport))
        assert export.created_by == "admin:admin@gwangju-civic.example" and export.row_count == 3
        export_id, filename = export.id, export.filename
    assert exports_folder(app) == [filename] and filename.startswith(f"{accepted_campaign}-")
    with client.get(f"/admin/campaigns/{accepted_campaign}/exports/{export_id}.zip") as download:
        assert "data.csv" in zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert 'id="build-export">' in client.get(f"/admin/campaigns/{accepted_campaign}").get_data(as_text=True)


def test_a_second_click_while_one_is_queued_says_so_and_adds_no_job(app, client, accepted_campaign, run_jobs):
    client.post(f"/admin/campaigns/{accepted_campaign}/exports", follow_redirects=True)
    page = client.post(f"/admin/campaigns/{accepted_campaign}/exports", follow_redirects=True).get_data(as_text=True)
    assert "An export of this campaign is already queued or being built." in page
    assert "Export queued." not in page
    assert len(export_runs(app)) == 1
    assert run_jobs() == 1  # one message: the second click sent none
    assert client.post(f"/admin/campaigns/{accepted_campaign}/exports").status_code == 303  # done: a new one
    assert [r.state for r in export_runs(app)] == [JobState.DONE, JobState.QUEUED]


@pytest.mark.app_config(JOB_MAX_ATTEMPTS=1)
def test_a_failed_job_shows_staff_its_error_in_their_language(app, client, accepted_campaign, run_jobs):
    client.post(f"/admin/campaigns/{accepted_campaign}/exports")
    with app.app_context():  # rejected after the click, before the worker got to it
        donation_id = db.session.scalar(select(Donation.id))
    client.post(f"/admin/campaigns/{accepted_campaign}/donations/{donation_id}/review",
                data={"decision": "reject", "reason": "Duplicate"})
    assert run_jobs() == 1
    (run,) = export_runs(app)
    assert (run.state, run.error) == (JobState.FAILED, "ExportError: there are no accepted donations to export")
    state = job_state(client, accepted_campaign)
    assert "job-failed" in state and "Export failed" in state
    assert "There are no accepted donations to export yet." in state
    client.set_cookie("lang", "ko")
    assert "아직 내려받을 수 있는 승인된 기부 데이터가 없습니다" in job_state(client, accepted_campaign)
    assert exports_folder(app) == []


def test_a_failure_that_will_be_retried_is_shown_with_the_job_still_queued(app, client, accepted_campaign, run_jobs):
    client.post(f"/admin/campaigns/{accepted_campaign}/exports")
    (run,) = export_runs(app)
    with app.app_context():
        db.session.execute(update(JobRun).where(JobRun.id == run.id).values(error="OSError: disk full"))
        db.session.commit()
    state = job_state(client, accepted_campaign)
    assert "job-queued" in state and "The last attempt failed and will be retried:" in state
    assert "OSError: disk full" in state


def test_a_worker_killed_after_writing_the_zip_leaves_one_export_and_no_orphan_when_run_again(
        app, client, accepted_campaign, run_jobs):
    client.post(f"/admin/campaigns/{accepted_campaign}/exports")
    (run,) = export_runs(app)
    with app.app_context():
        claimed = runs.claim(run.id)
        runs.HANDLERS["export_build"](dict(claimed.args))  # wrote the ZIP and flushed its row ...
        db.session.rollback()  # ... and the worker died (kill -9) before committing
        assert db.session.scalar(select(func.count()).select_from(DonationExport)) == 0
    written = exports_folder(app)
    assert len(written) == 1
    with app.app_context():  # its lease runs out; the periodic reconciliation sends it again
        db.session.execute(update(JobRun).where(JobRun.id == run.id)
                           .values(lease_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert runs.reconcile()["requeued"] == 1
    assert run_jobs() == 2  # the message re-sent, and the first one delivered again: that one finds the run done
    (run,) = export_runs(app)
    assert (run.state, run.attempts) == (JobState.DONE, 2)
    with app.app_context():
        filenames = list(db.session.scalars(select(DonationExport.filename)))
    assert exports_folder(app) == written == filenames  # one export, the same file written again


def test_a_build_removes_files_that_runs_which_died_for_good_left_behind(app, client, accepted_campaign, run_jobs):
    folder = Path(app.config["DONATION_FOLDER"]) / "exports"
    folder.mkdir(parents=True)
    (folder / f"{accepted_campaign}-abandonedtoken0000000.zip.part").write_bytes(b"PK half")
    (folder / f"{accepted_campaign + 1}-another-campaign-zip0.zip").write_bytes(b"PK")  # not this campaign's
    client.post(f"/admin/campaigns/{accepted_campaign}/exports")
    assert run_jobs() == 1
    with app.app_context():
        filename = db.session.scalar(select(DonationExport.filename))
    assert exports_folder(app) == sorted([filename, f"{accepted_campaign + 1}-another-campaign-zip0.zip"])


def test_an_export_that_committed_after_a_withdrawal_looked_is_stale_before_anyone_downloads_it(
        app, client, accepted_campaign, run_jobs):
    client.post(f"/admin/campaigns/{accepted_campaign}/exports")
    assert run_jobs() == 1
    with app.app_context():
        export_id = db.session.scalar(select(DonationExport.id))
        # The donation left without marking this export (its build committed just after the withdrawal looked).
        db.session.execute(update(Donation).values(status=DonationStatus.REJECTED))
        db.session.commit()
    response = client.get(f"/admin/campaigns/{accepted_campaign}/exports/{export_id}.zip", follow_redirects=True)
    assert "This export is stale and was deleted: build a new one." in response.text
    with app.app_context():
        export = db.session.get_one(DonationExport, export_id)
        assert (export.stale, export.stale_reason, export.filename) == (True, "rejected", None)
    assert exports_folder(app) == []
    assert "Download ZIP" not in job_state(client, accepted_campaign)
