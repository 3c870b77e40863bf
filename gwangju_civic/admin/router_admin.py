"""The router's life cycle for admins: active version and metrics, retrain (a queued job), activate (the database)."""
import logging
from pathlib import Path

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from gwangju_civic.admin import bp
from gwangju_civic.admin.access import admin_required
from gwangju_civic.admin.forms import ActionForm
from gwangju_civic.extensions import db
from gwangju_civic.jobs import runs
from gwangju_civic.models import JobRun
from gwangju_civic.routing import activation, precision, versions
from gwangju_civic.routing.display import display_percent

log = logging.getLogger(__name__)
RETRAIN = "router_retrain"


def _models_dir() -> Path:
    return Path(current_app.config["ROUTER_MODELS_DIR"])


@bp.route("/router")
@admin_required
def router():
    active = activation.active_version(_models_dir())
    job = db.session.scalar(select(JobRun).where(JobRun.kind == RETRAIN).order_by(JobRun.id.desc()).limit(1))
    overall, per_department = precision.overview()
    config = current_app.config
    return render_template("admin/router.html", versions=versions.list_versions(_models_dir(), active), job=job,
                           form=ActionForm(), overall=overall, per_department=per_department,
                           pause_precision=config["ROUTER_PAUSE_PRECISION"],
                           pause_min_labels=config["ROUTER_PAUSE_MIN_LABELS"],
                           precision_days=config["ROUTER_PRECISION_DAYS"])


bp.add_app_template_filter(display_percent, "percent")  # never 100% unless it is exactly 1


@bp.route("/router/retrain", methods=["POST"])
@admin_required
def retrain():
    """Queue training on seeds plus corrections for the job worker (never in a web process); not activated."""
    if ActionForm().validate_on_submit():
        runs.submit(RETRAIN, "seeds+corrections", requested_by=current_user.email)
        db.session.commit()
        flash(_("Training queued. The new version appears below when the job worker has trained it."), "success")
    return redirect(url_for("admin.router"), code=303)


@bp.route("/router/activate/<name>", methods=["POST"])
@admin_required
def activate(name: str):
    """Record the activation in the database: every web and queue worker switches within seconds."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.router"), code=303)
    try:
        activation.activate(_models_dir(), name, actor=current_user.email)
    except ValueError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("Version %(name)s is now active.", name=name), "success")
    return redirect(url_for("admin.router"), code=303)
