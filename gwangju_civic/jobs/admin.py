"""The admins' view of background jobs: what is queued, running, done or failed, and why it failed."""
from flask import render_template
from sqlalchemy import select

from gwangju_civic.admin import bp
from gwangju_civic.admin.access import admin_required
from gwangju_civic.extensions import db
from gwangju_civic.models import JobRun

PAGE = 100


@bp.route("/jobs")
@admin_required
def jobs():
    recent = db.session.scalars(select(JobRun).order_by(JobRun.id.desc()).limit(PAGE)).all()
    return render_template("admin/jobs.html", runs=recent)
