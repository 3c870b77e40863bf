"""The Huey tasks: one runs a recorded job, one (periodic, the queue's own scheduler) reconciles every minute."""
import logging
import time

from flask import Flask
from huey import crontab

from gwangju_civic.jobs import kinds, runs
from gwangju_civic.jobs.queue import huey

log = logging.getLogger("gwangju_civic.jobs")
_app: Flask | None = None


def bind(app: Flask) -> None:
    """The app whose configuration and database the tasks of this process use."""
    global _app
    _app = app


def app() -> Flask:
    if _app is None:  # started by `huey_consumer` rather than `flask jobs worker`
        from gwangju_civic import create_app

        bind(create_app())
    assert _app is not None
    return _app


@huey.task(name="run_job")
def run_job(run_id: int) -> None:
    """Run one recorded job; the router version is checked first, so activations reach queue workers too."""
    with app().app_context():
        app().extensions["router"].refresh()
        runs.execute(run_id)


@huey.periodic_task(crontab(), name="reconcile")
def reconcile() -> None:
    """Re-send jobs whose worker died or whose message was lost, and queue work pending in the domain."""
    started = time.monotonic()
    with app().app_context():
        outcome = runs.reconcile()
        pending = kinds.submit_pending_work()
        runs.db.session.commit()
    log.info("reconcile", extra={"kind": "reconcile", "state": "done", "pending": pending, **outcome,
                                 "ms": round((time.monotonic() - started) * 1000, 1)})


@huey.periodic_task(crontab(minute="0", hour="0"), name="digest")
def daily_digest() -> None:
    """09:00 in Korea (Huey's crontab is UTC: 00:00): queue every department's digest of due submissions."""
    from gwangju_civic.dates import city_today
    from gwangju_civic.following.digest import schedule

    with app().app_context():
        queued = schedule(city_today())
        runs.db.session.commit()
    log.info("digest", extra={"kind": "digest", "state": "queued", "departments": queued})
