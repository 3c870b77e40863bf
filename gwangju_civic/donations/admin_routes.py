"""Staff pages under /admin/campaigns: the campaign list and editor (admins), then review and export views."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

import gwangju_civic.donations.admin_review  # noqa: F401  (registers the review, statistics and export views)
from gwangju_civic.admin import bp, lookups
from gwangju_civic.admin.access import admin_required, staff_required
from gwangju_civic.donations import campaigns as campaign_ops
from gwangju_civic.donations import queries
from gwangju_civic.donations.forms import CampaignForm
from gwangju_civic.donations.labels import template_helpers
from gwangju_civic.donations.schema import schema_text
from gwangju_civic.extensions import db
from gwangju_civic.i18n import current_language
from gwangju_civic.models import Campaign, CampaignStatus, Department, DonationKind, PlanPriority
from gwangju_civic.submissions.workflow import actor_name

bp.context_processor(template_helpers)


def draft_from(form: CampaignForm) -> campaign_ops.CampaignDraft:
    return campaign_ops.CampaignDraft(
        title_ko=form.title_ko.data, title_en=form.title_en.data,
        description_ko=form.description_ko.data, description_en=form.description_en.data,
        plan_priority=lookups.by_code(PlanPriority, form.plan_priority.data) or abort(400),
        department=lookups.by_code(Department, form.department.data) or abort(400),
        asks=DonationKind(form.asks.data), column_schema=form.schema, licence=form.licence.data,
        opens_on=form.opens_on.data, closes_on=form.closes_on.data, target_count=form.target_count.data,
        status=CampaignStatus(form.status.data),
        consent_text_ko=form.consent_text_ko.data, consent_text_en=form.consent_text_en.data,
    )


def form_for(campaign: Campaign) -> CampaignForm:
    """The editor filled from the campaign and its current consent text (on GET; a POST keeps what was sent)."""
    consent = campaign.current_consent
    return CampaignForm(
        campaign=campaign, locale=current_language(),
        title_ko=campaign.title_ko, title_en=campaign.title_en,
        description_ko=campaign.description_ko, description_en=campaign.description_en,
        plan_priority=campaign.plan_priority.code, department=campaign.department.code,
        asks=campaign.asks.value, column_schema=schema_text(campaign.column_schema), licence=campaign.licence,
        opens_on=campaign.opens_on, closes_on=campaign.closes_on, target_count=campaign.target_count,
        status=campaign.status.value,
        consent_text_ko=consent.text_ko if consent else "", consent_text_en=consent.text_en if consent else "",
    )


@bp.route("/campaigns")
@staff_required()
def campaign_list():
    campaigns = list(db.session.scalars(queries.visible_campaigns()))
    return render_template("admin/donations/campaigns.html", campaigns=campaigns,
                           progress=queries.progress([c.id for c in campaigns]))


@bp.route("/campaigns/new", methods=["GET", "POST"])
@admin_required
def campaign_new():
    form = CampaignForm(locale=current_language())
    if form.validate_on_submit():
        campaign = campaign_ops.create_campaign(draft_from(form), actor_name(current_user))
        db.session.commit()
        flash(_("Campaign created."), "success")
        return redirect(url_for("admin.campaign_detail", campaign_id=campaign.id), code=303)
    return render_template("admin/donations/campaign_form.html", form=form, campaign=None
                           ), 400 if form.is_submitted() else 200


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@admin_required
def campaign_edit(campaign_id: int):
    """Edit a campaign; rewording consent that someone signed creates a new version instead."""
    campaign = queries.visible_campaign_or_404(campaign_id)
    form = form_for(campaign)
    if form.validate_on_submit():
        before = campaign.current_consent
        try:
            version = campaign_ops.update_campaign(campaign, draft_from(form), actor_name(current_user))
        except campaign_ops.CampaignError:
            db.session.rollback()
            form.asks.errors.append(_("People have donated already: what is asked can no longer change."))
        else:
            db.session.commit()
            if before is not None and version.id != before.id:
                flash(_("The consent text was signed before, so your wording is saved as version %(n)s.",
                        n=version.version), "success")
            flash(_("Campaign saved."), "success")
            return redirect(url_for("admin.campaign_detail", campaign_id=campaign.id), code=303)
    return render_template("admin/donations/campaign_form.html", form=form, campaign=campaign
                           ), 400 if form.is_submitted() else 200

