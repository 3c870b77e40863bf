"""The report form, validated on the server with one clear message per field."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FloatField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp, ValidationError

from gwangju_civic.geo.districts import district_at
from gwangju_civic.models import SubmissionKind
from gwangju_civic.models.submissions import DESCRIPTION_MAX_LENGTH
from gwangju_civic.submissions.photos import PhotoRejected, PhotoTooLarge, check_photo

OUTSIDE_GWANGJU = _l("This point is outside Gwangju. Move the pin into one of its five districts, "
                     "or give an address instead.")
PHONE_PATTERN = r"^(\+82[- ]?|0)\d{1,2}[- ]?\d{3,4}[- ]?\d{4}$"


class SubmissionForm(FlaskForm):
    kind = RadioField(
        _l("What are you sending?"),
        choices=[
            SelectChoice(SubmissionKind.PROBLEM.value, _l("A problem to fix")),
            SelectChoice(SubmissionKind.IDEA.value, _l("An idea")),
        ],
        default=SubmissionKind.PROBLEM.value,
        validators=[DataRequired(_l("Choose a problem or an idea."))],
    )
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Give your report a short title.")),
            Length(min=4, max=120, message=_l("The title must be 4 to 120 characters long.")),
        ],
    )
    description = TextAreaField(
        _l("Description"),
        validators=[
            DataRequired(_l("Describe the problem or idea.")),
            Length(min=10, max=DESCRIPTION_MAX_LENGTH,
                   message=_l("The description must be 10 to 5000 characters long.")),
        ],
    )
    address = StringField(
        _l("Address or place"),
        validators=[Optional(), Length(max=300, message=_l("The address must be at most 300 characters."))],
    )
    latitude = FloatField(
        _l("Latitude"),
        validators=[Optional(), NumberRange(-90, 90, message=OUTSIDE_GWANGJU)],
    )
    longitude = FloatField(
        _l("Longitude"),
        validators=[Optional(), NumberRange(-180, 180, message=OUTSIDE_GWANGJU)],
    )
    photos = MultipleFileField(_l("Photos (up to 3, JPEG, PNG or WebP)"))
    is_anonymous = BooleanField(_l("Send anonymously (no contact details)"))
    contact_email = EmailField(
        _l("E-mail for updates"),
        validators=[Optional(), Email(message=_l("Enter a valid e-mail address.")), Length(max=254)],
    )
    contact_phone = StringField(
        _l("Phone for updates"),
        validators=[Optional(), Regexp(PHONE_PATTERN, message=_l("Enter a phone number such as 010-1234-5678."))],
    )

    def validate(self, extra_validators=None) -> bool:
        """Field checks first, then the rules that involve several fields."""
        valid = super().validate(extra_validators)
        has_latitude, has_longitude = self.latitude.data is not None, self.longitude.data is not None
        if has_latitude != has_longitude and not (self.latitude.errors or self.longitude.errors):
            self.latitude.errors.append(_l("Give both latitude and longitude, or neither."))
            valid = False
        elif has_latitude and has_longitude and not (self.latitude.errors or self.longitude.errors) \
                and district_at(self.latitude.data, self.longitude.data) is None:
            self.latitude.errors.append(OUTSIDE_GWANGJU)  # the five gu's polygons, not a rectangle
            valid = False
        has_place = (self.address.data or "").strip() or (has_latitude and has_longitude)
        if self.kind.data == SubmissionKind.PROBLEM.value and not has_place and not self.address.errors:
            self.address.errors.append(
                _l("Tell us where the problem is: an address, a place or a point on the map.")
            )
            valid = False
        return valid

    def validate_is_anonymous(self, field: BooleanField) -> None:
        if field.data and (self.contact_email.data or self.contact_phone.data):
            raise ValidationError(
                _l("An anonymous report has no contact details: clear them, or untick anonymous.")
            )

    def validate_photos(self, field: MultipleFileField) -> None:
        files = self.photo_files()
        limit = current_app.config["MAX_PHOTOS"]
        if len(files) > limit:
            raise ValidationError(_l("You can attach at most %(n)s photos.", n=limit))
        max_bytes = current_app.config["MAX_PHOTO_BYTES"]
        for upload in files:
            data = upload.read()
            upload.seek(0)
            if len(data) > max_bytes:
                raise ValidationError(
                    _l("%(name)s is larger than %(mb)s MB.", name=upload.filename, mb=max_bytes // (1024 * 1024))
                )
            try:
                check_photo(data)
            except PhotoTooLarge as error:
                raise ValidationError(error.message(upload.filename)) from error
            except PhotoRejected as error:
                raise ValidationError(
                    _l("%(name)s is not a JPEG, PNG or WebP photo.", name=upload.filename)
                ) from error

    def photo_files(self) -> list:
        """The uploads that carry a file: browsers send one empty part when none was chosen."""
        return [upload for upload in (self.photos.data or []) if upload and upload.filename]


class ReopenForm(FlaskForm):
    """A resident who finds the problem is not fixed asks for it to be looked at again."""

    reason = TextAreaField(
        _l("What is still wrong?"),
        validators=[DataRequired(_l("Tell us what is still wrong.")), Length(max=2000)],
    )
