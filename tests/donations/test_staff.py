"""Staff side: who sees which campaign, the campaign editor, the review queue and participation figures."""
import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Campaign, CampaignStatus, Donation, DonationKind, DonationStatus
from tests.donations.conftest import campaign_form, edit_form


def test_staff_pages_need_a_signed_in_user_and_the_right_role(client, auth, make_campaign):
    environment = make_campaign()
    roads = make_campaign(department="roads", title_en="Pothole photos")
    assert client.get("/admin/campaigns").status_code == 302
    auth.login("triager")
    assert client.get("/admin/campaigns").status_code == 200
    assert client.get("/admin/campaigns/new").status_code == 403
    assert client.get(f"/admin/campaigns/{roads}/edit").status_code == 403
    auth.logout()
    auth.login("officer")
    listing = client.get("/admin/campaigns").get_data(as_text=True)
    assert "Pothole photos" in listing and "Night-time noise readings" not in listing
    assert client.get(f"/admin/campaigns/{roads}").status_code == 200
    assert client.get(f"/admin/campaigns/{environment}").status_code == 404
    assert client.post(f"/admin/campaigns/{environment}/exports").status_code == 404


def test_an_admin_creates_a_campaign_with_a_schema_and_a_first_consent_version(app, client, auth):
    auth.login("admin")
    response = client.post("/admin/campaigns/new", data=campaign_form())
    assert response.status_code == 303
    with app.app_context():
        campaign = db.session.scalar(select(Campaign))
        assert (campaign.title_en, campaign.department.code, campaign.plan_priority.code) == (
            "Broken pavement photos", "roads", "PP17")
        assert campaign.column_schema == [{"name": "measured_at", "type": "datetime", "required": True},
                                          {"name": "noise_db", "type": "number", "required": True},
                                          {"name": "note", "type": "string", "required": False}]
        assert campaign.licence == "CC-BY-4.0" and campaign.status == CampaignStatus.OPEN
        assert [(v.version, v.created_by) for v in campaign.consent_versions] == [(1, "admin:admin@gwangju-civic.example")]
    assert client.get("/admin/campaigns/new").get_data(as_text=True).count('<option selected value="CC-BY-4.0">') == 1
    public = client.get("/donate/").get_data(as_text=True)
    assert "Broken pavement photos" in public and "0 of 50 donations" in public


CAMPAIGN_FORM_ERRORS = [
    ({"column_schema": "noise_db"}, "Line 1: write “name: type”."),
    ({"column_schema": "noise_db: float"},
     "Line 1: unknown type “float”; use string, integer, number, boolean, date, datetime."),
    ({"column_schema": "a: string\na: number"}, "Line 2: the column “a” is named twice."),
    ({"column_schema": "a: string, maybe"}, "Line 1: after the type, only “optional” may follow."),
    ({"asks": "form", "column_schema": ""}, "A short form needs at least one column: each column is a question."),
    ({"asks": "images"}, "Columns apply to tables and forms, not to images."),
    ({"opens_on": "2026-05-01", "closes_on": "2026-04-30"}, "The campaign must close on or after the day it opens."),
    ({"closes_on": "not a date"}, "Not a valid date value."),
    ({"target_count": "0"}, "Give a number from 1 to 1,000,000."),
    ({"target_count": ""}, "Give a number."),
    ({"opens_on": ""}, "Give a date."),
    ({"title_en": ""}, "This field is required."),
    ({"consent_text_ko": ""}, "This field is required."),
]


@pytest.mark.parametrize(("overrides", "message"), CAMPAIGN_FORM_ERRORS, ids=[m for _, m in CAMPAIGN_FORM_ERRORS])
def test_campaign_editor_errors(client, auth, overrides, message):
    auth.login("admin")
    response = client.post("/admin/campaigns/new", data=campaign_form(**overrides))
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_what_is_asked_is_frozen_once_people_have_donated(client, auth, donor, make_campaign):
    campaign_id = make_campaign()
    donor.give(campaign_id)
    auth.login("admin")
    page = client.post(f"/admin/campaigns/{campaign_id}/edit",
                       data={**edit_form(client, campaign_id), "asks": "json"}).get_data(as_text=True)
    assert "People have donated already: what is asked can no longer change." in page
    page = client.post(f"/admin/campaigns/{campaign_id}/edit",
                       data={**edit_form(client, campaign_id), "column_schema": "noise_db: number"}).text
    assert "People have donated already: the columns can no longer change." in page
    ok = client.post(f"/admin/campaigns/{campaign_id}/edit", data={**edit_form(client, campaign_id), "target_count": "99"})
    assert ok.status_code == 303


def test_staff_accept_or_reject_with_a_reason_and_see_the_figures(app, client, auth, donor, make_campaign):
    campaign_id = make_campaign()
    codes = [donor.give(campaign_id) for _ in range(3)]
    with app.app_context():
        first, second, _third = db.session.scalars(select(Donation.id).order_by(Donation.id))
    auth.login("triager")
    queue = client.get(f"/admin/campaigns/{campaign_id}").get_data(as_text=True)
    assert queue.count("Noise readings from my balcony") == 3 and "3 of 10 donations" in queue

    detail = client.get(f"/admin/campaigns/{campaign_id}/donations/{first}").get_data(as_text=True)
    assert "[PHONE]" in detail and "010-1234-5678" not in detail and "version 1" in detail
    base = f"/admin/campaigns/{campaign_id}/donations"
    assert client.post(f"{base}/{first}/review", data={"decision": "accept"}).status_code == 303
    refused = client.post(f"{base}/{second}/review", data={"decision": "reject", "reason": ""})
    assert refused.status_code == 400 and "Give a reason to reject a donation." in refused.get_data(as_text=True)
    assert client.post(f"{base}/{second}/review", data={"decision": "reject", "reason": "Readings from Busan"}
                       ).status_code == 303
    assert client.get(f"{base}/999/review").status_code == 405
    assert client.get(f"{base}/999").status_code == 404

    donor.client.post("/donate/withdraw", data={"code": codes[2], "confirm": "y"})
    with app.app_context():
        reviewed = {d.id: (d.status, d.review_reason, d.reviewed_by) for d in db.session.scalars(select(Donation))}
        assert reviewed == {first: (DonationStatus.ACCEPTED, None, "triager:triager@gwangju-civic.example"),
                            second: (DonationStatus.REJECTED, "Readings from Busan",
                                     "triager:triager@gwangju-civic.example")}
    page = client.get(f"/admin/campaigns/{campaign_id}", query_string={"status": ""}).get_data(as_text=True)
    assert 'class="count-accepted">1<' in page and 'class="count-rejected">1<' in page
    assert 'class="count-pending_review">0<' in page and 'class="count-withdrawn">1<' in page
    assert "1 of 10 donations" in page
    accepted = client.get(f"/admin/campaigns/{campaign_id}", query_string={"status": "accepted"}).text
    assert f'donations/{first}"' in accepted and f'donations/{second}"' not in accepted
    public = client.get("/donate/").get_data(as_text=True)
    assert "1 of 10 donations" in public


def test_the_public_list_shows_only_open_campaigns_with_progress(app, client, donor, make_campaign):
    open_id = make_campaign(title_en="Open campaign")
    make_campaign(title_en="Draft campaign", status=CampaignStatus.DRAFT)
    donor.give(open_id)
    page = client.get("/donate/").get_data(as_text=True)
    assert "Open campaign" in page and "Draft campaign" not in page
    assert '<progress value="1" max="10">' in page and "1 of 10 donations" in page


def test_a_short_form_campaign_collects_one_row_per_donor(app, donor, make_campaign):
    campaign_id = make_campaign(asks=DonationKind.FORM, column_schema=[
        {"name": "minutes", "type": "integer", "required": True}, {"name": "mode", "type": "string", "required": True}])
    response = donor.client.post(f"/donate/campaigns/{campaign_id}", data={
        "description": "How long my commute to Sangmu-dong takes.", "answer_minutes": "35", "answer_mode": "bus"})
    assert donor.consent(donor.token_of(response)).status_code == 303
    with app.app_context():
        donation = db.session.scalar(select(Donation))
        assert (donation.kind, donation.columns, donation.row_count) == (DonationKind.FORM, ["minutes", "mode"], 1)
