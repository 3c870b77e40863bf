"""The staff sign-in form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, Field, PasswordField
from wtforms.validators import DataRequired, ValidationError

from gwangju_civic.auth.services import email_problem


def valid_email(form: FlaskForm, field: Field) -> None:
    """The rule `flask users create` applies too, so every account created can sign in."""
    if email_problem(field.data or ""):
        raise ValidationError(_l("Enter a valid e-mail address."))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Enter your e-mail.")), valid_email])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
