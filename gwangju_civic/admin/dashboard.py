"""The dashboard: where submissions stand, how fast departments answer, how often the router is right."""
from flask import render_template

from gwangju_civic.admin import bp, lookups
from gwangju_civic.admin.access import scoped, staff_required
from gwangju_civic.admin.stats import dashboard_figures
from gwangju_civic.i18n import current_language
from gwangju_civic.labels import STATUS_LABELS, URGENCY_LABELS
from gwangju_civic.maps.stats import open_per_district
from gwangju_civic.models import Status, Urgency


@bp.route("/dashboard")
@staff_required()
def dashboard():
    figures = dashboard_figures()
    district_load, without_district = open_per_district(scoped)
    locale = current_language()
    departments = {d.code: d.name(locale) for d in lookups.departments()}
    agreement = [
        (departments.get(code, code), counts["accepted"], counts["corrected"],
         counts["accepted"] / (counts["accepted"] + counts["corrected"]))
        for code, counts in sorted(figures["agreement"].items())
    ]
    return render_template(
        "admin/dashboard.html",
        by_status=[(str(STATUS_LABELS[s]), figures["by_status"].get(s, 0)) for s in Status],
        by_urgency=[(str(URGENCY_LABELS[u]), figures["by_urgency"].get(u, 0)) for u in Urgency],
        by_department=sorted(((departments.get(code, code), n) for code, n in figures["by_department"].items()),
                             key=lambda row: -row[1]),
        by_priority=[(f"{p.number}. {p.name(locale)}", figures["by_priority"].get(p.code, 0))
                     for p in lookups.plan_priorities()],
        backlog=figures["backlog"],
        response_times=[(departments.get(t.department, t.department), t.first_response_hours, t.resolution_hours)
                        for t in figures["response_times"]],
        agreement=agreement,
        district_load=district_load,
        without_district=without_district,
    )
