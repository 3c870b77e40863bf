"""The one way a staff action on a submission runs: validate, check the page was current, act, commit."""
from collections.abc import Callable

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError

from gwangju_civic.admin.access import visible_submission_or_404
from gwangju_civic.database import discard_session
from gwangju_civic.extensions import db
from gwangju_civic.models import Submission
from gwangju_civic.submissions.workflow import ChangedMeanwhile, WorkflowError, expect_version


def act(submission: Submission, form: FlaskForm, action: Callable[[], None], success: str, *,
        anchor: str | None = None) -> ResponseReturnValue:
    """Validate the form, run the action, commit; any refusal is flashed and nothing is kept.

    A change someone else made since this page was drawn (the form's `version`, or a concurrent
    write caught at flush) answers 409 with the current page: their change is kept, this one is not.
    """
    submission_id = submission.id
    try:
        if not form.validate_on_submit():
            raise WorkflowError(form_errors(form))
        expect_version(submission, seen_version())
        action()
        db.session.commit()
    except WorkflowError as error:
        discard_session()
        flash(str(error), "error")
    except (ChangedMeanwhile, StaleDataError):
        discard_session()
        flash(_("Someone else changed this submission while you were looking at it. Their change is kept: "
                "check the page below and do yours again if it still applies."), "error")
        from gwangju_civic.admin.detail import detail_page  # imported here: detail's routes import this module

        return detail_page(visible_submission_or_404(submission_id)), 409
    else:
        flash(success, "success")
    return redirect(url_for("admin.detail", submission_id=submission_id, _anchor=anchor), code=303)


def seen_version() -> int | None:
    """The submission's version when the staff member's page was drawn; None from a client that sends none."""
    raw = request.form.get("version")
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        abort(400)
    return int(raw)


def form_errors(form: FlaskForm) -> str:
    return "; ".join(f"{form[name].label.text}: {', '.join(map(str, errors))}" for name, errors in form.errors.items())
