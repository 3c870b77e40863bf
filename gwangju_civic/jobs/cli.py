"""`flask jobs worker | reconcile | list`: run the queue worker and its scheduler, or inspect job runs."""
import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import JobRun

jobs_cli = AppGroup("jobs", help="Background jobs: the worker, its scheduler, and job state.")


@jobs_cli.command("worker")
@click.option("--threads", type=int, default=None, help="Jobs run at once (default: JOB_WORKER_THREADS).")
@click.option("--scheduler/--no-scheduler", default=True,
              help="Also run the periodic reconciliation (once per deployment is enough; more is harmless).")
def worker_command(threads: int | None, scheduler: bool) -> None:
    """Consume the queue until Ctrl-C or SIGTERM; a job killed mid-run is run again after its lease."""
    from gwangju_civic.jobs import tasks
    from gwangju_civic.jobs.queue import huey
    from gwangju_civic.routing.service import preload

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    yield_to_web(app.config["JOB_WORKER_NICENESS"])
    tasks.bind(app)
    preload(app)  # the router and the similarity encoder before the first job, as each web worker loads them
    consumer = huey.create_consumer(workers=threads or int(app.config["JOB_WORKER_THREADS"]),
                                    worker_type="thread", periodic=scheduler, check_worker_health=True)
    consumer.run()


def yield_to_web(niceness: int) -> None:
    """Lower this process's CPU priority (threads started next inherit it). Linux weighs each session (autogroup)
    against the others before nice values count, and `make run` starts every process in a session of its own,
    so the session's weight is lowered too."""
    if niceness <= os.getpriority(os.PRIO_PROCESS, 0):
        return
    os.setpriority(os.PRIO_PROCESS, 0, niceness)
    try:
        Path("/proc/self/autogroup").write_text(str(niceness))
    except OSError:  # not Linux, or autogroups off: the nice value alone applies
        pass


@jobs_cli.command("reconcile")
def reconcile_command() -> None:
    """One reconciliation pass now (the worker's scheduler does this every minute)."""
    from gwangju_civic.jobs import kinds, runs

    outcome = runs.reconcile()
    pending = kinds.submit_pending_work()
    db.session.commit()
    click.echo(f"{outcome}; pending work queued: {', '.join(pending) or 'none'}")


@jobs_cli.command("list")
@click.option("--limit", type=int, default=20, show_default=True)
def list_command(limit: int) -> None:
    """The newest job runs and their state."""
    for run in db.session.scalars(select(JobRun).order_by(JobRun.id.desc()).limit(limit)):
        outcome = run.error or run.result or ""
        click.echo(f"{run.id:6} {run.kind:15} {run.state.value:8} attempts {run.attempts} {outcome}")
