"""The follow form (one e-mail address) and the CSRF-only forms behind the "me too" and confirm buttons."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length


class FollowForm(FlaskForm):
    email = EmailField(
        _l("Your e-mail address"),
        validators=[DataRequired(_l("Enter your e-mail address.")),
                    Email(message=_l("Enter a valid e-mail address.")), Length(max=254)],
    )


class ButtonForm(FlaskForm):
    """A button that changes something: only its CSRF token is checked."""
