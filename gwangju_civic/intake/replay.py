"""Filing spooled reports: once each, whoever replays (the CLI, a request that finds the database back, a worker)."""
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, request
from flask.sansio.app import App
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from gwangju_civic.codes import TRACKING_CODE
from gwangju_civic.database import discard_session
from gwangju_civic.extensions import db
from gwangju_civic.intake import spool
from gwangju_civic.intake.services import receive
from gwangju_civic.models import Submission
from gwangju_civic.submissions.operations import SubmissionDraft

log = logging.getLogger(__name__)

# A claim untouched for this long belongs to a replay that died; filing one report takes seconds at most.
STALE_CLAIM_SECONDS = 600
OUTAGE = (OperationalError, InterfaceError)


@dataclass(frozen=True)
class Replayed:
    """One spooled report dealt with: `code` is the tracking code it is filed under."""

    code: str
    outcome: str  # "filed" or "already filed"


def replay_spool(folder: Path, limit: int | None = None) -> list[Replayed]:
    """File spooled reports (at most `limit`), each claimed first; an outage stops the replay and keeps the rest.

    Needs an app context. Raises the database error when the database is still unreachable.
    """
    done: list[Replayed] = []
    for entry in spool.stale_claims(folder, STALE_CLAIM_SECONDS) + spool.spooled(folder):
        if limit is not None and len(done) >= limit:
            break
        claimed = spool.claim(entry)
        if claimed is None:
            continue  # another replay took it first
        try:
            replayed = _file(spool.load(claimed))
        except OUTAGE:
            discard_session()
            spool.release(claimed)
            raise
        except Exception:
            log.exception("spooled report %s could not be filed; set aside in the spool", entry.name)
            discard_session()
            spool.set_aside(claimed)
            continue
        spool.discard(claimed)
        log.info("spooled report %s %s", replayed.code, replayed.outcome)
        done.append(replayed)
    return done


def _file(draft: SubmissionDraft) -> Replayed:
    """File under the code the resident was given; the unique code makes a second filing impossible."""
    stored = _stored_as(draft.tracking_code)
    if stored is not None and _same_report(stored, draft):
        return Replayed(draft.tracking_code, "already filed")
    if stored is not None:  # a different report drew the same code while the database was down
        log.error("spooled report %s drew a taken code; filed under a new one", draft.tracking_code)
        draft.tracking_code = TRACKING_CODE.new()
        return Replayed(receive(draft).tracking_code, "filed")
    try:
        return Replayed(receive(draft, keep_code=True).tracking_code, "filed")
    except IntegrityError:
        discard_session()
        if _stored_as(draft.tracking_code) is None:
            raise
        return Replayed(draft.tracking_code, "already filed")  # another replay filed it a moment ago


def _stored_as(code: str) -> Submission | None:
    return db.session.scalar(select(Submission).where(Submission.tracking_code == code))


def _same_report(stored: Submission, draft: SubmissionDraft) -> bool:
    return (stored.title, stored.description) == (draft.title.strip(), draft.description.strip())


class SpoolWatcher:
    """Replays the spool from requests: at most once every `SPOOL_CHECK_SECONDS` per process, one thread at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_check = 0.0

    def maybe_replay(self, app: App) -> None:
        now = time.monotonic()
        if now < self._next_check or not self._lock.acquire(blocking=False):
            return
        try:
            self._next_check = now + float(app.config["SPOOL_CHECK_SECONDS"])
            folder = Path(app.config["SPOOL_FOLDER"])
            if spool.is_pending(folder):
                replay_spool(folder, limit=int(app.config["SPOOL_REPLAY_BATCH"]))
        except OUTAGE as error:
            log.warning("spooled reports wait: the database is still unavailable (%s)", error)
        except Exception:
            log.exception("replaying the spool failed")
        finally:
            self._lock.release()


def init_app(app: App) -> None:
    app.extensions["spool_watcher"] = SpoolWatcher()


def replay_before_request() -> None:
    """At the latest, the first request that finds the database back files what was spooled."""
    if request.endpoint == "static":
        return
    watcher = current_app.extensions.get("spool_watcher")
    if watcher is not None:
        watcher.maybe_replay(current_app)
