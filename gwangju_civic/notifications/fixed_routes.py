"""The "Is it fixed?" links of the resolution message: a page per answer, and the answer posted from it."""
from flask import Blueprint, current_app, render_template, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from gwangju_civic.database import discard_session
from gwangju_civic.extensions import db
from gwangju_civic.i18n import LANGUAGE_COOKIE
from gwangju_civic.models import Submission
from gwangju_civic.notifications import fixed
from gwangju_civic.notifications.messages import message_language
from gwangju_civic.notifications.tokens import BadToken
from gwangju_civic.submissions.workflow import WorkflowError

bp = Blueprint("fixed", __name__, url_prefix="/fixed")
YES, NO = "yes", "no"


class AnswerForm(FlaskForm):
    """Confirms the answer (a link alone changes nothing: mail scanners open links); "no" may say what is wrong."""

    comment = TextAreaField(_l("What is still wrong? (optional)"), validators=[Optional(), Length(max=2000)])


@bp.route("/<token>/yes", methods=["GET", "POST"])
def yes(token: str):
    return answer(token, YES)


@bp.route("/<token>/no", methods=["GET", "POST"])
def no(token: str):
    return answer(token, NO)


def answer(token: str, choice: str):
    """GET asks to confirm; POST records the answer once; a second answer, or a later one, says it is done."""
    try:
        question = fixed.read_question(token)
    except BadToken as error:
        status = 410 if error.expired else 400
        return render_template("fixed/refused.html", expired=error.expired), status
    with force_locale(page_language(question.submission)):
        form = AnswerForm()
        if not fixed.is_open(question):
            return done(question.submission, already=True)
        if request.method == "GET" or not form.validate_on_submit():
            status = 400 if form.is_submitted() else 200
            return render_template("fixed/question.html", choice=choice, form=form,
                                   submission=question.submission), status
        try:
            if choice == YES:
                fixed.confirm_fixed(question)
            else:
                fixed.report_not_fixed(question, form.comment.data)
            db.session.commit()
        except (fixed.AlreadyAnswered, StaleDataError):  # answered a moment ago (another click, or staff)
            discard_session()
            current = db.session.get(Submission, question.submission.id)
            return done(current or question.submission, already=True)
        except WorkflowError:  # the 30 days of the reopen rule ended after the page was drawn
            discard_session()
            return render_template("fixed/refused.html", expired=True), 410
        return done(question.submission, already=False)


def done(submission: Submission, already: bool):
    return render_template("fixed/done.html", submission=submission, already=already)


def page_language(submission: Submission) -> str:
    """The language the visitor chose on this site, else the one the report was filed in."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in current_app.config["LANGUAGES"]:
        return str(chosen)
    return message_language(submission.language)
