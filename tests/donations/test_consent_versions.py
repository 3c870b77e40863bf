"""Consent versions: wording nobody signed may change; a signed version never does, editing makes a new one."""
import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Campaign, ConsentVersion, Donation
from tests.donations.conftest import CONSENT_EN, edit_form
from tests.staff import PASSWORD


def versions(app, campaign_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        return [(v.version, v.text_en) for v in db.session.get(Campaign, campaign_id).consent_versions]


def test_unsigned_wording_is_changed_in_place(app, client, auth, make_campaign):
    campaign_id = make_campaign()
    auth.login("admin")
    response = client.post(f"/admin/campaigns/{campaign_id}/edit",
                           data={**edit_form(client, campaign_id), "consent_text_en": "Reworded before anyone signed."})
    assert response.status_code == 303
    assert versions(app, campaign_id) == [(1, "Reworded before anyone signed.")]


def test_editing_signed_wording_creates_a_new_version_and_keeps_the_old(app, client, auth, donor, make_campaign):
    campaign_id = make_campaign()
    donor.give(campaign_id)
    auth.login("admin")
    editor = client.get(f"/admin/campaigns/{campaign_id}/edit").get_data(as_text=True)
    assert "Donors have signed it: changing the text creates version 2." in editor

    unchanged = client.post(f"/admin/campaigns/{campaign_id}/edit", data=edit_form(client, campaign_id))
    assert unchanged.status_code == 303 and versions(app, campaign_id) == [(1, CONSENT_EN)]

    response = client.post(f"/admin/campaigns/{campaign_id}/edit", follow_redirects=True,
                           data={**edit_form(client, campaign_id), "consent_text_en": "New wording, version two."})
    assert "The consent text was signed before, so your wording is saved as version 2." in response.text
    assert versions(app, campaign_id) == [(1, CONSENT_EN), (2, "New wording, version two.")]
    with app.app_context():
        assert db.session.scalar(select(Donation)).consent_version.version == 1

    second = donor.give(campaign_id)
    assert second.startswith("WD-")
    with app.app_context():
        signed = [d.consent_version.version for d in db.session.scalars(select(Donation).order_by(Donation.id))]
        assert signed == [1, 2]


def test_a_signed_version_refuses_rewording_and_deletion_in_the_database(app, donor, make_campaign):
    campaign_id = make_campaign()
    donor.give(campaign_id)
    with app.app_context():
        version = db.session.scalar(select(ConsentVersion).where(ConsentVersion.campaign_id == campaign_id))
        version.text_en = "Sneaky change"
        with pytest.raises(ValueError, match="never changes"):
            db.session.flush()
        db.session.rollback()
        version = db.session.scalar(select(ConsentVersion).where(ConsentVersion.campaign_id == campaign_id))
        db.session.delete(version)
        with pytest.raises(ValueError, match="never deleted"):
            db.session.flush()
        db.session.rollback()


def test_a_donor_who_read_older_wording_consents_again_to_the_new_one(app, staff, donor, make_campaign):
    from flask.testing import FlaskClient

    campaign_id = make_campaign()
    token = donor.token_of(donor.upload(campaign_id))
    shown = donor.consent_fields(token)

    admin = FlaskClient(app, app.response_class, use_cookies=True)
    admin.set_cookie("lang", "en")
    admin.post("/admin/login", data={"email": staff["admin"].email, "password": PASSWORD})
    assert admin.post(f"/admin/campaigns/{campaign_id}/edit", data={
        **edit_form(admin, campaign_id), "consent_text_en": "Reworded while the donor was reading."}).status_code == 303

    response = donor.client.post(f"/donate/consent/{token}", data={**shown, "agree": "y"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The consent text changed while you were reading. Please read version 1 below and consent again." in page
    assert "Reworded while the donor was reading." in page and 'name="agree" required type="checkbox" value="y">' in page
    with app.app_context():
        assert db.session.scalar(select(Donation)) is None

    assert donor.consent(token).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Donation)).consent_version.text_en == "Reworded while the donor was reading."


def test_a_version_newer_than_the_one_shown_is_never_signed_silently(app, donor, make_campaign):
    from gwangju_civic.donations.campaigns import set_consent_text

    campaign_id = make_campaign()
    donor.give(campaign_id)  # version 1 is signed
    token = donor.token_of(donor.upload(campaign_id))
    shown = donor.consent_fields(token)
    with app.test_request_context():
        set_consent_text(db.session.get(Campaign, campaign_id), "새 문구", "New wording", "test")
        db.session.commit()
    response = donor.client.post(f"/donate/consent/{token}", data={**shown, "agree": "y"})
    assert response.status_code == 400 and "read version 2 below" in response.get_data(as_text=True)
