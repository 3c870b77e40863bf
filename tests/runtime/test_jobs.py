"""Job runs through the real queue storage and database: submitted once, claimed once, retried, reconciled."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from gwangju_civic.extensions import db
from gwangju_civic.jobs import queue, runs
from gwangju_civic.models import JobRun, JobState, utcnow


@pytest.fixture
def flaky_kind():
    """A job kind that fails until told otherwise, registered for one test."""
    outcome = {"fail": True, "calls": 0}

    def work(args: dict) -> str:
        outcome["calls"] += 1
        if outcome["fail"]:
            raise RuntimeError("disk full")
        return "ok"

    runs.handler("test_flaky")(work)
    yield outcome
    runs.HANDLERS.pop("test_flaky")


def pending_messages() -> int:
    return queue.huey.pending_count()


def test_a_submitted_job_is_recorded_and_sent_to_the_queue_only_when_committed(app):
    with app.app_context():
        before = pending_messages()
        run = runs.submit("spool_replay", "pending")
        assert run.state == JobState.QUEUED and pending_messages() == before  # not yet committed
        db.session.commit()
        assert pending_messages() == before + 1
        rolled_back = runs.submit("fit_check", "pending")
        assert rolled_back.id is not None
        db.session.rollback()
        assert pending_messages() == before + 1 and db.session.scalars(select(JobRun)).all() == [run]


def test_the_same_work_submitted_twice_is_one_run_until_it_finishes(app):
    with app.app_context():
        first = runs.submit("spool_replay", "pending")
        db.session.commit()
        assert runs.submit("spool_replay", "pending").id == first.id
        assert runs.submit("spool_replay", "other").id != first.id
        db.session.commit()
        runs.execute(first.id)
        assert db.session.get(JobRun, first.id).state == JobState.DONE
        assert runs.submit("spool_replay", "pending").id != first.id


def test_an_unknown_kind_is_refused(app):
    with app.app_context(), pytest.raises(ValueError, match="unknown job kind"):
        runs.submit("launch_rockets")


def test_a_run_is_claimed_once_so_a_duplicate_message_does_nothing(app, flaky_kind):
    flaky_kind["fail"] = False
    with app.app_context():
        run_id = runs.submit("test_flaky").id
        db.session.commit()
        runs.execute(run_id)
        runs.execute(run_id)  # the same message delivered again, or re-sent by reconciliation
        run = db.session.get(JobRun, run_id)
        assert (run.state, run.attempts, run.result, flaky_kind["calls"]) == (JobState.DONE, 1, "ok", 1)
        assert run.lease_until is None and run.finished_at is not None


@pytest.mark.app_config(JOB_MAX_ATTEMPTS=2)
def test_a_failing_job_is_retried_then_left_failed_with_its_error(app, flaky_kind):
    with app.app_context():
        run_id = runs.submit("test_flaky").id
        db.session.commit()
        before = pending_messages()
        runs.execute(run_id)
        run = db.session.get(JobRun, run_id)
        assert (run.state, run.attempts, run.error) == (JobState.QUEUED, 1, "RuntimeError: disk full")
        assert pending_messages() == before + 1  # sent again with an ETA: retried after a pause
        runs.execute(run_id)
        db.session.expire_all()
        run = db.session.get(JobRun, run_id)
        assert (run.state, run.attempts, run.error) == (JobState.FAILED, 2, "RuntimeError: disk full")


def test_reconciliation_requeues_runs_whose_worker_died_and_resends_lost_messages(app, flaky_kind):
    flaky_kind["fail"] = False
    with app.app_context():
        died, lost, alive = (runs.submit("test_flaky", key).id for key in ("died", "lost", "alive"))
        db.session.commit()
        past, future = utcnow() - timedelta(minutes=5), utcnow() + timedelta(minutes=5)
        # A worker killed with -9 leaves its run "running" under a lease nobody renews.
        db.session.execute(update(JobRun).where(JobRun.id == died).values(state=JobState.RUNNING, attempts=1,
                                                                          lease_until=past))
        db.session.execute(update(JobRun).where(JobRun.id == alive).values(state=JobState.RUNNING, attempts=1,
                                                                           lease_until=future))
        db.session.execute(update(JobRun).where(JobRun.id == lost).values(updated_at=past))  # message lost
        db.session.commit()
        before = pending_messages()
        outcome = runs.reconcile()
        assert outcome["requeued"] == 1 and outcome["resent"] == 2
        assert pending_messages() == before + 2
        states = dict(db.session.execute(select(JobRun.id, JobRun.state)).tuples().all())
        assert states == {died: JobState.QUEUED, lost: JobState.QUEUED, alive: JobState.RUNNING}
        runs.execute(died)
        runs.execute(alive)  # still held by a live worker: not run twice
        assert flaky_kind["calls"] == 1


@pytest.mark.app_config(JOB_MAX_ATTEMPTS=1)
def test_a_run_whose_worker_died_on_its_last_attempt_is_failed(app, flaky_kind):
    with app.app_context():
        run_id = runs.submit("test_flaky").id
        db.session.execute(update(JobRun).where(JobRun.id == run_id).values(
            state=JobState.RUNNING, attempts=1, lease_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert runs.reconcile()["failed"] == 1
        assert db.session.get(JobRun, run_id).state == JobState.FAILED


def test_pending_domain_work_is_queued_by_the_periodic_pass(app, runner, make_submission, tmp_path):
    from pathlib import Path

    from gwangju_civic.intake import spool
    from gwangju_civic.models import SubmissionKind
    from gwangju_civic.submissions.operations import SubmissionDraft

    folder = Path(app.config["SPOOL_FOLDER"])
    spool.spool(SubmissionDraft(kind=SubmissionKind.PROBLEM, title="Spooled pothole", description="A deep hole.",
                                tracking_code="SPOOLTEST1"), folder)
    result = runner.invoke(args=["jobs", "reconcile"])
    assert result.exit_code == 0 and "spool_replay" in result.output, result.output
    with app.app_context():
        run = db.session.scalar(select(JobRun).where(JobRun.kind == "spool_replay"))
        runs.execute(run.id)
        db.session.expire_all()
        assert db.session.get(JobRun, run.id).result == "1 filed"
        from gwangju_civic.submissions import queries

        assert queries.by_tracking_code("SPOOLTEST1") is not None
    assert "spool_replay" not in runner.invoke(args=["jobs", "reconcile"]).output.split("queued:")[1]


def test_retraining_from_the_admin_page_is_a_queued_job_shown_to_admins(app, client, auth):
    auth.login("admin")
    response = client.post("/admin/router/retrain", data={})
    assert response.status_code == 303
    with app.app_context():
        run = db.session.scalar(select(JobRun).where(JobRun.kind == "router_retrain"))
        assert run is not None and run.state == JobState.QUEUED
    assert not [t for t in __import__("threading").enumerate() if t.name == "router-retrain"]
    page = client.get("/admin/router").get_data(as_text=True)
    assert "queued" in page and "disabled" in page
    client.post("/admin/router/retrain", data={})  # a second click while it waits adds nothing
    jobs_page = client.get("/admin/jobs").get_data(as_text=True)
    assert jobs_page.count("Router training") == 1  # the kind by its name, once


def test_the_jobs_page_is_for_admins_only(app, client, auth):
    auth.login("triager")
    assert client.get("/admin/jobs").status_code == 403
