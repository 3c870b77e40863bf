"""The resident's answer to "Is it fixed?": yes closes the report, no reopens it; one answer per resolution."""
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from gwangju_civic.extensions import db
from gwangju_civic.models import Status, Submission, SubmissionEvent, utcnow
from gwangju_civic.notifications.tokens import BadToken, make_token, read_token
from gwangju_civic.submissions.operations import change_status
from gwangju_civic.submissions.workflow import REOPEN_WINDOW, reopen

PURPOSE = "fixed"


class AlreadyAnswered(Exception):
    """The link's resolution was answered already, or the report moved on since (staff reopened or closed it)."""


@dataclass(frozen=True)
class Question:
    """One "is it fixed?" question: the report and the event that resolved it (the link names both)."""

    submission: Submission
    resolution_id: int


def fixed_token(resolution: SubmissionEvent) -> str:
    """The signed token both links carry; it is valid as long as the reopen rule allows an answer."""
    return make_token(PURPOSE, s=resolution.submission_id, e=resolution.id)


def answer_deadline(submission: Submission) -> datetime:
    """The last moment the resident can answer: the 30 days of the reopen rule, from the resolution."""
    return (submission.resolved_at or utcnow()) + REOPEN_WINDOW


def read_question(token: str) -> Question:
    """The question a link asks; raises BadToken when it was tampered with, expired, or names no report."""
    data = read_token(PURPOSE, token, max_age=int(REOPEN_WINDOW.total_seconds()))
    try:
        submission_id, resolution_id = int(data["s"]), int(data["e"])
    except (KeyError, TypeError, ValueError) as error:
        raise BadToken("invalid token") from error
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        raise BadToken("invalid token")
    return Question(submission, resolution_id)


def latest_resolution_id(submission: Submission) -> int | None:
    return db.session.scalar(select(func.max(SubmissionEvent.id)).where(
        SubmissionEvent.submission_id == submission.id, SubmissionEvent.action == "status_changed",
        SubmissionEvent.new_value == Status.RESOLVED.value))


def is_open(question: Question) -> bool:
    """Still waiting for an answer: resolved, by the resolution the link was sent for."""
    return (question.submission.status == Status.RESOLVED
            and latest_resolution_id(question.submission) == question.resolution_id)


def confirm_fixed(question: Question) -> None:
    """Yes, it is fixed: the report is closed through the transition table (flushes)."""
    if not is_open(question):
        raise AlreadyAnswered(question.submission.id)
    change_status(question.submission, Status.CLOSED, "citizen", public=True)


def report_not_fixed(question: Question, comment: str | None) -> None:
    """No, it is not fixed: reopened by the reopen rule (30 days), with the comment if the resident wrote one."""
    if not is_open(question):
        raise AlreadyAnswered(question.submission.id)
    reason = (comment or "").strip()
    if not reason:  # written for staff, in the city's language, whatever page the resident answered on
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            reason = _("The resident says it is not fixed.")
    reopen(question.submission, reason)
