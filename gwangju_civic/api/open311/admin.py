"""Admins list, create and revoke Open311 API keys under /admin/api-keys (its own blueprint, admin only)."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from gwangju_civic.admin.access import admin_required
from gwangju_civic.admin.forms import ActionForm
from gwangju_civic.api.open311.operations import create_key, revoke_key
from gwangju_civic.extensions import db
from gwangju_civic.models import ApiKey, Submission

bp = Blueprint("open311_admin", __name__, url_prefix="/admin/api-keys")


class KeyForm(FlaskForm):
    name = StringField(_l("Who is the key for?"),
                       validators=[DataRequired(_l("Name the app or system that will use the key.")),
                                   Length(max=120)])


def _page(form: KeyForm, new_key: str | None = None, status: int = 200):
    keys = db.session.scalars(select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc()))
    counts = dict(db.session.execute(select(Submission.api_key_id, func.count())
                                     .where(Submission.api_key_id.is_not(None))
                                     .group_by(Submission.api_key_id)).tuples().all())
    return render_template("admin/api_keys.html", keys=list(keys), counts=counts, form=form,
                           action_form=ActionForm(), new_key=new_key), status


@bp.route("")
@admin_required
def index():
    return _page(KeyForm())


@bp.route("", methods=["POST"])
@admin_required
def create():
    """The new key is shown on this one answer (never stored, never in a redirect or a flash)."""
    form = KeyForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    row, key = create_key(form.name.data)
    db.session.commit()
    flash(_("Key created for %(name)s. Copy it now: it will not be shown again.", name=row.name), "success")
    return _page(KeyForm(formdata=None), new_key=key)


@bp.route("/<int:key_id>/revoke", methods=["POST"])
@admin_required
def revoke(key_id: int):
    row = db.session.get(ApiKey, key_id) or abort(404)
    if ActionForm().validate_on_submit():
        revoke_key(row)
        db.session.commit()
        flash(_("Key %(name)s is revoked: it can no longer file reports.", name=row.name), "success")
    return redirect(url_for("open311_admin.index"), code=303)
