"""Receiving a report: store it first, then do the optional work that may fail without losing it."""
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app

from gwangju_civic.database import discard_session
from gwangju_civic.extensions import db
from gwangju_civic.models import Photo, Status, Submission
from gwangju_civic.routing import similarity
from gwangju_civic.routing.service import route_submission
from gwangju_civic.submissions.operations import SubmissionDraft, create_submission, record_event, send_to_triage
from gwangju_civic.submissions.photos import strip_and_store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Receipt:
    """What the resident is told about a stored report: plain values, readable whatever the session's state."""

    tracking_code: str
    submission_id: int


def receive(draft: SubmissionDraft, keep_code: bool = False) -> Receipt:
    """Commit the report before photos and routing run; their failures send it to triage instead.

    This is the one service that commits on its own: a report must be durable before any
    optional step runs, and each step's outcome is committed separately. Once the report is
    committed nothing raises: whatever the optional steps do, the resident gets the code.
    """
    submission = create_submission(draft, keep_code=keep_code)
    db.session.commit()
    receipt = Receipt(submission.tracking_code, submission.id)
    try:
        if draft.photos:  # an empty step costs no commit
            _attach_photos(submission, draft.photos)
            db.session.commit()  # the photos are kept even if routing fails next
        _route(submission)
        db.session.commit()
    except Exception:
        log.exception("submission %s is stored, but its follow-up steps failed", receipt.tracking_code)
        discard_session()
        _send_to_triage_if_new(receipt, "routing could not be completed")
    _queue_embedding(receipt)
    return receipt


def _queue_embedding(receipt: Receipt) -> None:
    """Ask a worker for the similarity vector in a transaction of its own, routed or not: every filing asks for
    the same queued run, so holding that row's lock while routing would make filings wait on each other. If this
    fails, the scheduler's scan for unembedded submissions asks instead."""
    try:
        similarity.queue_embedding()
        db.session.commit()
    except Exception as error:
        log.error("similarity vector of %s not queued now (the scheduler will): %s", receipt.tracking_code, error)
        discard_session()


def _send_to_triage_if_new(receipt: Receipt, reason: str) -> None:
    """Best effort after a failure: a person looks at the stored report; if the database still fails, it stays new."""
    try:
        submission = db.session.get(Submission, receipt.submission_id)
        if submission is not None and submission.status == Status.NEW:
            send_to_triage(submission, reason)
            db.session.commit()
    except Exception as error:
        log.error("submission %s stays new: %s", receipt.tracking_code, error)
        discard_session()


def _attach_photos(submission: Submission, photos: list[bytes]) -> None:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    written: list[Path] = []
    try:
        for data in photos:
            stored = strip_and_store(data, folder)
            written.append(folder / stored.filename)
            db.session.add(Photo(submission=submission, **asdict(stored)))
        db.session.flush()
    except Exception as error:
        db.session.rollback()  # first: after a failed flush the submission's attributes cannot be read
        log.exception("photos of %s could not be stored", submission.tracking_code)
        for path in written:
            path.unlink(missing_ok=True)
        send_to_triage(submission, f"photos could not be stored ({type(error).__name__})")
        db.session.commit()
    else:
        if photos:
            record_event(submission, "citizen", "photos_added", new=len(photos))


def _route(submission: Submission) -> None:
    """The single place where the router decides department, category, priority and urgency."""
    route_submission(submission)
