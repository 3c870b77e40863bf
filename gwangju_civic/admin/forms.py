"""Forms for staff actions on a submission; choices are filled from the database per request."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from gwangju_civic.admin import lookups
from gwangju_civic.labels import STATUS_LABELS, URGENCY_LABELS
from gwangju_civic.models import Status, Urgency
from gwangju_civic.models.submissions import DESCRIPTION_MAX_LENGTH


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token."""


class RoutingForm(FlaskForm):
    category = SelectField(_l("Category"), validators=[DataRequired()])
    department = SelectField(_l("Department"), validators=[DataRequired()])
    plan_priority = SelectField(_l("Plan priority"), validators=[DataRequired()])
    urgency = SelectField(_l("Urgency"), validators=[DataRequired()])

    def fill_choices(self, locale: str) -> "RoutingForm":
        self.category.choices = [SelectChoice(c.code, c.name(locale)) for c in lookups.categories()]
        self.department.choices = [SelectChoice(d.code, d.name(locale)) for d in lookups.departments()]
        self.plan_priority.choices = [
            SelectChoice(p.code, f"{p.number}. {p.name(locale)}") for p in lookups.plan_priorities()
        ]
        self.urgency.choices = [SelectChoice(u.value, str(URGENCY_LABELS[u])) for u in Urgency]
        return self


class AssignForm(FlaskForm):
    officer = SelectField(_l("Assign to"), coerce=int, validators=[DataRequired()])


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), validators=[DataRequired()],
                         choices=[SelectChoice(s.value, STATUS_LABELS[s]) for s in Status])
    reason = TextAreaField(_l("Reason or message to the citizen"), validators=[Optional(), Length(max=2000)])


class MessageForm(FlaskForm):
    message = TextAreaField(_l("Message"), validators=[DataRequired(_l("Write a message.")), Length(max=4000)])


class DuplicateForm(FlaskForm):
    original = StringField(_l("Tracking code of the original"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(_l("Give a reason.")), Length(max=2000)])


class ModerationForm(FlaskForm):
    """Hide or show a report, a photo or a public update: the reason goes to the (staff-only) trail."""

    reason = TextAreaField(_l("Reason for moderation"), validators=[DataRequired(_l("Give a reason.")),
                                                                    Length(max=2000)])


class RedactionForm(ModerationForm):
    """Rewrite what public pages show of the title, description or address; the original stays for staff."""

    text = TextAreaField(_l("Public version"), validators=[Length(max=DESCRIPTION_MAX_LENGTH)])
