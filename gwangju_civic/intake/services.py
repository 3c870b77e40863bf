"""Receiving a report: store it first, then do the optional work that may fail without losing it."""
import logging
from dataclasses import asdict
from pathlib import Path

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from gwangju_civic.extensions import db
from gwangju_civic.models import Photo, Submission
from gwangju_civic.routing.service import route_submission
from gwangju_civic.submissions.operations import SubmissionDraft, create_submission, record_event, send_to_triage
from gwangju_civic.submissions.photos import strip_and_store

log = logging.getLogger(__name__)


def receive(draft: SubmissionDraft) -> Submission:
    """Commit the report before photos and routing run; their failures send it to triage instead.

    This is the one service that commits on its own: a report must be durable before any
    optional step runs, and each step's outcome is committed separately.
    """
    submission = create_submission(draft)
    db.session.commit()
    try:
        _attach_photos(submission, draft.photos)
        _route(submission)
        db.session.commit()
    except SQLAlchemyError:
        log.exception("submission %s is stored, but its follow-up steps failed", submission.tracking_code)
        db.session.rollback()
    return submission


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
        log.exception("photos of %s could not be stored", submission.tracking_code)
        db.session.rollback()
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
