"""Job runs in our database: submit, claim with a lease, finish or fail, and reconcile what workers left behind."""
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import Engine, delete, event, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from gwangju_civic.database import upsert_insert
from gwangju_civic.extensions import db
from gwangju_civic.models import JobRun, JobState, utcnow
from gwangju_civic.models.runtime import ACTIVE_STATES

log = logging.getLogger("gwangju_civic.jobs")
TO_SEND = "job_runs_to_send"  # Session.info key: {run id: delay}, sent to the queue once the session commits

Handler = Callable[[dict[str, Any]], str | None]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that does the work of one job kind; it flushes, the wrapper commits."""

    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function

    return register


def submit(kind: str, key: str = "", *, delay: float | None = None, **args: Any) -> JobRun:
    """Queue a run of `kind` (or return the one already waiting for the same key); flushes.

    The message goes to the queue when the caller commits (held back `delay` seconds), so a worker always
    finds the row.
    """
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    conflict = sa.text("state IN ('queued', 'running')")  # the predicate of uq_job_runs_active_kind_key
    insert = upsert_insert()
    run = db.session.scalar(  # the row comes back as an object: no second read
        insert(JobRun).values(kind=kind, key=key, args=args, state=JobState.QUEUED)
        .on_conflict_do_nothing(index_elements=["kind", "key"], index_where=conflict).returning(JobRun))
    if run is None:  # the same work is already waiting or running
        return _active(kind, key) or submit(kind, key, delay=delay, **args)  # (finished in between: again)
    db.session.info.setdefault(TO_SEND, {})[run.id] = delay
    return run


def submitted_now(run: JobRun) -> bool:
    """Whether this transaction queued the run (False: the same work was already waiting or running)."""
    return run.id in db.session.info.get(TO_SEND, {})


def _active(kind: str, key: str) -> JobRun | None:
    return db.session.scalar(select(JobRun).where(JobRun.kind == kind, JobRun.key == key,
                                                  JobRun.state.in_(ACTIVE_STATES)))


@event.listens_for(Session, "after_commit")
def _send_committed(session: Session) -> None:
    for run_id, delay in session.info.pop(TO_SEND, {}).items():
        send(run_id, delay)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing it submitted exists
        session.info.pop(TO_SEND, None)


def send(run_id: int, delay: float | None = None) -> None:
    """Put the run's message on the queue; if that fails, reconciliation sends it later (the row is queued)."""
    from gwangju_civic.jobs.tasks import run_job

    try:
        if delay:
            run_job.schedule(args=(run_id,), delay=delay)
        else:
            run_job(run_id)
    except Exception as error:  # the queue storage is down: the row stays queued and is re-sent
        log.error("job run %s not sent to the queue: %s", run_id, error)


def _lease() -> timedelta:
    return timedelta(seconds=float(current_app.config["JOB_LEASE_SECONDS"]))


def _changed(statement: sa.Executable) -> int:
    """Rows an UPDATE or DELETE changed."""
    return cast(sa.CursorResult[Any], db.session.execute(statement)).rowcount


def claim(run_id: int) -> JobRun | None:
    """Mark the run running under a fresh lease, unless another worker holds it or it is finished; commits."""
    now = utcnow()
    claimed = _changed(
        update(JobRun)
        .where(JobRun.id == run_id, or_(JobRun.state == JobState.QUEUED,
                                        (JobRun.state == JobState.RUNNING) & (JobRun.lease_until < now)))
        .values(state=JobState.RUNNING, attempts=JobRun.attempts + 1, lease_until=now + _lease(), updated_at=now))
    db.session.commit()
    return db.session.get(JobRun, run_id) if claimed else None


def execute(run_id: int) -> None:
    """Claim, run the kind's handler while a heartbeat extends the lease, then record done or failed."""
    run = claim(run_id)
    if run is None:
        log.info("job run %s skipped: finished or held by another worker", run_id, extra={"job_id": run_id})
        return
    started, kind, attempt = time.monotonic(), run.kind, run.attempts
    heartbeat = Heartbeat(db.engine, run_id, _lease())
    heartbeat.start()
    try:
        result = HANDLERS[kind](dict(run.args or {}))
        db.session.execute(update(JobRun).where(JobRun.id == run_id).values(
            state=JobState.DONE, result=result, error=None, lease_until=None, finished_at=utcnow()))
        db.session.commit()
        state, error = JobState.DONE, None
    except Exception as exc:
        log.exception("job run %s (%s) failed", run_id, kind)
        db.session.rollback()
        state, error = _failed(run_id, attempt, f"{type(exc).__name__}: {exc}"), str(exc)
    finally:
        heartbeat.stop()
    log.info("job %s %s", kind, state.value, extra={
        "job_id": run_id, "kind": kind, "state": state.value, "attempt": attempt, "error": error,
        "ms": round((time.monotonic() - started) * 1000, 1)})


def _failed(run_id: int, attempt: int, error: str) -> JobState:
    """Queue the run again after a pause until JOB_MAX_ATTEMPTS, then leave it failed for an admin to see."""
    retry = attempt < int(current_app.config["JOB_MAX_ATTEMPTS"])
    state = JobState.QUEUED if retry else JobState.FAILED
    db.session.execute(update(JobRun).where(JobRun.id == run_id, JobRun.state == JobState.RUNNING).values(
        state=state, error=error[:2000], lease_until=None, finished_at=None if retry else utcnow()))
    db.session.commit()
    if retry:
        send(run_id, delay=float(current_app.config["JOB_RETRY_SECONDS"]) * attempt)
    return state


class Heartbeat:
    """Extends a running job's lease every third of it, on its own connection, until stopped."""

    def __init__(self, engine: Engine, run_id: int, lease: timedelta) -> None:
        self.engine, self.run_id, self.lease = engine, run_id, lease
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{run_id}-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self.lease.total_seconds() / 3):
            try:
                with self.engine.begin() as connection:
                    connection.execute(update(JobRun).where(JobRun.id == self.run_id,
                                                            JobRun.state == JobState.RUNNING)
                                       .values(lease_until=utcnow() + self.lease))
            except SQLAlchemyError as error:  # the lease may lapse; the job then runs again (idempotent)
                log.warning("heartbeat of job run %s failed: %s", self.run_id, error)


def reconcile() -> dict[str, int]:
    """Re-queue runs whose worker died (lease expired) or whose message was lost; prune old finished runs.

    Called by the queue's periodic scheduler; safe to run in several processes at once. Commits.
    """
    now, lease = utcnow(), _lease()
    max_attempts = int(current_app.config["JOB_MAX_ATTEMPTS"])
    lost = list(db.session.scalars(select(JobRun.id).where(JobRun.state == JobState.RUNNING,
                                                           JobRun.lease_until < now)))
    exhausted = _changed(
        update(JobRun).where(JobRun.id.in_(lost), JobRun.attempts >= max_attempts, JobRun.state == JobState.RUNNING)
        .values(state=JobState.FAILED, error="the worker stopped during every attempt", finished_at=now,
                lease_until=None)) if lost else 0
    db.session.execute(update(JobRun).where(JobRun.id.in_(lost), JobRun.state == JobState.RUNNING,
                                            JobRun.lease_until < now)
                       .values(state=JobState.QUEUED, lease_until=None, updated_at=now))
    stale = list(db.session.scalars(select(JobRun.id).where(JobRun.state == JobState.QUEUED,
                                                            JobRun.updated_at < now - lease)))
    if stale:  # touched so the next pass waits a lease again before re-sending
        db.session.execute(update(JobRun).where(JobRun.id.in_(stale)).values(updated_at=now))
    keep_days = int(current_app.config["JOB_KEEP_DAYS"])
    pruned = _changed(delete(JobRun).where(JobRun.state.in_((JobState.DONE, JobState.FAILED)),
                                           JobRun.finished_at < now - timedelta(days=keep_days)))
    db.session.commit()
    resent = set(stale) | set(lost)
    for run_id in sorted(resent):
        send(run_id)
    return {"requeued": len(lost) - exhausted, "resent": len(resent), "failed": exhausted, "pruned": pruned}
