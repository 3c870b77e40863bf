"""Forms of the donor flow and the campaign editor; uploads are parsed here so errors show on the field."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FileField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from gwangju_civic.admin import lookups
from gwangju_civic.codes import WITHDRAWAL_CODE
from gwangju_civic.donations import parsing
from gwangju_civic.donations.campaigns import LICENCES, has_donations
from gwangju_civic.donations.labels import ASKS_LABELS, CAMPAIGN_STATUS_LABELS, human_size
from gwangju_civic.donations.operations import find_by_code
from gwangju_civic.donations.schema import apply_schema, parse_schema
from gwangju_civic.donations.tables import DonationFileError, Limits, Table
from gwangju_civic.models import Campaign, CampaignStatus, DonationKind
from gwangju_civic.submissions.photos import PhotoRejected, PhotoTooLarge, check_photo


def _too_large(name: str) -> ValidationError:
    limit = human_size(current_app.config["DONATION_MAX_BYTES"])
    return ValidationError(_l("%(name)s is larger than %(size)s.", name=name, size=limit))


class DonationForm(FlaskForm):
    """Upload for a CSV, JSON or image campaign; the parsed table or image bytes are left on the form."""

    description = TextAreaField(
        _l("What is this data?"),
        validators=[DataRequired(_l("Say in a sentence what the data is.")),
                    Length(min=10, max=1000, message=_l("The description must be 10 to 1000 characters long."))],
    )
    data_file = FileField(_l("Data file"))
    images = MultipleFileField(_l("Images (JPEG, PNG or WebP)"))

    def __init__(self, campaign: Campaign, limits: Limits | None = None, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.limits = limits or Limits.from_config()
        self.table: Table | None = None
        self.image_data: list[bytes] = []

    def validate_data_file(self, field: FileField) -> None:
        if self.campaign.asks not in (DonationKind.CSV, DonationKind.JSON):
            return
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            raise ValidationError(_l("Choose a file to donate."))
        data = upload.read(current_app.config["DONATION_MAX_BYTES"] + 1)
        if len(data) > current_app.config["DONATION_MAX_BYTES"]:
            raise _too_large(upload.filename)
        try:
            self.table = parsing.read_table(data, self.campaign.asks, self.campaign.column_schema, self.limits)
        except DonationFileError as error:
            field.errors.extend(error.messages[:-1])
            raise ValidationError(error.messages[-1]) from None

    def validate_images(self, field: MultipleFileField) -> None:
        if self.campaign.asks != DonationKind.IMAGES:
            return
        uploads = [upload for upload in (field.data or []) if upload and upload.filename]
        if not uploads:
            raise ValidationError(_l("Choose at least one image."))
        limit = current_app.config["DONATION_MAX_IMAGES"]
        if len(uploads) > limit:
            raise ValidationError(_l("You can give at most %(n)s images at a time.", n=limit))
        for upload in uploads:
            data = upload.read(current_app.config["DONATION_MAX_BYTES"] + 1)
            if len(data) > current_app.config["DONATION_MAX_BYTES"]:
                raise _too_large(upload.filename)
            try:
                check_photo(data)
            except PhotoTooLarge as error:
                raise ValidationError(error.message(upload.filename)) from error
            except PhotoRejected as error:
                raise ValidationError(
                    _l("%(name)s is not a JPEG, PNG or WebP image.", name=upload.filename)
                ) from error
            self.image_data.append(data)


def short_form_class(campaign: Campaign) -> type[FlaskForm]:
    """A form with one field per schema column, for campaigns that ask for a few answers instead of a file."""

    class ShortForm(FlaskForm):
        description = DonationForm.description

    for field in campaign.column_schema or []:
        validators = [DataRequired(_l("Answer this question."))] if field.get("required", True) else [Optional()]
        setattr(ShortForm, f"answer_{field['name']}", StringField(field["name"], validators=validators + [
            Length(max=500, message=_l("At most 500 characters."))]))
    return ShortForm


def short_form_table(form: FlaskForm, campaign: Campaign, limits: Limits) -> Table:
    """The answers as a one-row table, typed by the schema; DonationFileError names the wrong answer."""
    columns = [field["name"] for field in campaign.column_schema or []]
    row = [(form[f"answer_{name}"].data or "").strip() for name in columns]
    return apply_schema(Table(columns, [row]), campaign.column_schema, limits)


class ConsentForm(FlaskForm):
    agree = BooleanField(_l("I have read the consent text above and I give this data under it."),
                         validators=[DataRequired(_l("Tick the box to consent, or leave the page to give nothing."))])
    consent_version = HiddenField()
    consent_digest = HiddenField()


class ChoiceForm(FlaskForm):
    """The rows and columns the donor keeps are posted as checkboxes; only CSRF is checked here."""


class WithdrawForm(FlaskForm):
    code = StringField(_l("Withdrawal code"), validators=[DataRequired(_l("Enter the code from your receipt."))])
    confirm = BooleanField(_l("Delete my donation; I understand this cannot be undone."),
                           validators=[DataRequired(_l("Tick the box to confirm the deletion."))])

    def validate_code(self, field: StringField) -> None:
        code = WITHDRAWAL_CODE.normalize(field.data or "")
        if not WITHDRAWAL_CODE.matches(code):
            raise ValidationError(_l("A withdrawal code looks like WD-XXXX-XXXX-XXXX."))
        donation = find_by_code(code)
        if donation is None:
            raise ValidationError(_l("No donation has this code. It may already have been withdrawn."))
        self.donation = donation


class ReviewForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[SelectChoice("accept", _l("Accept")),
                                                   SelectChoice("reject", _l("Reject"))])
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)])

    def validate_reason(self, field: TextAreaField) -> None:
        if self.decision.data == "reject" and not (field.data or "").strip():
            raise ValidationError(_l("Give a reason to reject a donation."))


class CampaignForm(FlaskForm):
    title_ko = StringField(_l("Title (Korean)"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[DataRequired(), Length(max=200)])
    description_ko = TextAreaField(_l("Description (Korean)"), validators=[DataRequired(), Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[DataRequired(), Length(max=5000)])
    # The plan's own data-donation priority (18) and the AI and data department, unless staff choose others.
    plan_priority = SelectField(_l("Plan priority"), default="PP18", validators=[DataRequired()])
    department = SelectField(_l("Department"), default="ai_data", validators=[DataRequired()])
    asks = SelectField(_l("What is asked"), choices=[SelectChoice(k.value, ASKS_LABELS[k]) for k in DonationKind])
    column_schema = TextAreaField(_l("Columns (optional for files, required for a short form)"),
                                  validators=[Length(max=4000)])
    consent_text_ko = TextAreaField(_l("Consent text (Korean)"), validators=[DataRequired(), Length(max=10000)])
    consent_text_en = TextAreaField(_l("Consent text (English)"), validators=[DataRequired(), Length(max=10000)])
    licence = SelectField(_l("Licence of the published data"), default="CC-BY-4.0",
                          choices=[SelectChoice(code, title) for code, (title, _url) in LICENCES.items()])
    opens_on = DateField(_l("Opens on"), validators=[InputRequired(_l("Give a date."))])
    closes_on = DateField(_l("Closes on"), validators=[InputRequired(_l("Give a date."))])
    target_count = IntegerField(_l("Target number of donations"), default=100, validators=[
        InputRequired(_l("Give a number.")), NumberRange(1, 1_000_000, _l("Give a number from 1 to 1,000,000."))])
    status = SelectField(_l("Status"), choices=[SelectChoice(s.value, CAMPAIGN_STATUS_LABELS[s])
                                                for s in CampaignStatus])

    def __init__(self, *args, campaign: Campaign | None = None, locale: str = "en", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.schema: list[dict] | None = None
        self.plan_priority.choices = [SelectChoice(p.code, f"{p.number}. {p.name(locale)}")
                                      for p in lookups.plan_priorities()]
        self.department.choices = [SelectChoice(d.code, d.name(locale)) for d in lookups.departments()]

    def validate_column_schema(self, field: TextAreaField) -> None:
        try:
            self.schema = parse_schema(field.data or "", current_app.config["DONATION_MAX_COLUMNS"])
        except ValueError as error:
            raise ValidationError(str(error)) from None
        if self.asks.data == DonationKind.FORM and not self.schema:
            raise ValidationError(_l("A short form needs at least one column: each column is a question."))
        if self.asks.data == DonationKind.IMAGES and self.schema:
            raise ValidationError(_l("Columns apply to tables and forms, not to images."))
        if (self.campaign is not None and has_donations(self.campaign)
                and (self.campaign.column_schema or None) != self.schema):
            raise ValidationError(_l("People have donated already: the columns can no longer change."))

    def validate_closes_on(self, field: DateField) -> None:
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The campaign must close on or after the day it opens."))

    def validate_asks(self, field: SelectField) -> None:
        if self.campaign is not None and has_donations(self.campaign) and field.data != self.campaign.asks.value:
            raise ValidationError(_l("People have donated already: what is asked can no longer change."))
