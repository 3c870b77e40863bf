"""A real job worker process: runs what the web queued, and a job it was killed in (-9) runs again, once in effect."""
import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.jobs import runs
from gwangju_civic.models import Donation, JobRun, JobState
from tests.runtime.conftest import app_environment, wait_until, worker_args


def run_state(app, run_id: int) -> JobRun:
    with app.app_context():
        run = db.session.get_one(JobRun, run_id)
        db.session.expunge(run)
        db.session.remove()
        return run


@pytest.mark.app_config(JOB_LEASE_SECONDS=3)
def test_a_job_killed_mid_run_is_run_again_by_the_next_worker_and_done_once(app, donor, make_campaign, processes):
    donor.give(make_campaign(), description="Noise readings from my balcony, every night for a week.")
    with app.app_context():
        run_id = runs.submit("fit_check", "pending").id  # the key the periodic pass uses: no second run
        db.session.commit()
    environment = app_environment(app)

    first = processes("worker-1", worker_args(), environment)
    # The fit check loads the sentence encoder first (seconds): the worker is killed while it does.
    wait_until(lambda: run_state(app, run_id).state == JobState.RUNNING or first.popen.poll() is not None,
               180, "the first worker to claim the job")
    first.kill()
    first.popen.wait()
    killed = run_state(app, run_id)
    assert (killed.state, killed.attempts) == (JobState.RUNNING, 1), first.output()

    second = processes("worker-2", worker_args(), environment)
    done = wait_until(lambda: (run := run_state(app, run_id)).state in (JobState.DONE, JobState.FAILED) and run,
                      300, "the second worker to finish the job")
    assert (done.state, done.attempts, done.error) == (JobState.DONE, 2, None), second.output()
    assert done.result == "1 checked, 0 failed"
    with app.app_context():
        assert db.session.scalar(select(Donation.fit_score)) is not None
        assert db.session.scalar(select(JobRun.id).where(JobRun.kind == "fit_check", JobRun.id != run_id)) is None
