"""Fit check with the routing component's real encoder: off-topic donations are flagged for review."""
import pytest
from sqlalchemy import select

from gwangju_civic.donations import fit
from gwangju_civic.extensions import db
from gwangju_civic.models import Donation


def stored_donation(app, donor, make_campaign, description: str) -> int:
    donor.give(make_campaign(), description=description)
    with app.app_context():
        return db.session.scalar(select(Donation.id).order_by(Donation.id.desc()))


def test_the_text_compared_is_the_description_and_the_donors_own_column_names():
    assert fit.donation_text("Readings", ["noise_db", "measured_at"]) == "Readings\nnoise db, measured at"
    assert fit.donation_text("Readings", ["noise_db", "where"], expected=["noise_db"]) == "Readings\nwhere"
    assert fit.donation_text("Readings", ["noise_db"], expected=["noise_db"]) == "Readings"
    assert fit.donation_text("Photos", None) == "Photos"


def test_the_score_is_the_best_cosine_over_the_campaign_languages(app):
    with app.app_context():
        encode = fit.routing_encoder()
        same = fit.fit_score("noise readings at night", ["소음 측정", "noise readings at night"], encode)
        unrelated = fit.fit_score("grocery list and cake recipe", ["noise readings at night"], encode)
    assert same == pytest.approx(1.0, abs=1e-4)
    assert unrelated < 0.3


@pytest.mark.app_config(DONATION_FIT_THRESHOLD=0.25)
def test_consenting_scores_the_donation_and_staff_see_off_topic_ones(app, client, auth, donor, make_campaign):
    on_topic = stored_donation(app, donor, make_campaign, "Noise readings from my balcony, every night for a week.")
    off_topic = stored_donation(app, donor, make_campaign, "My grocery shopping list and a cake recipe.")
    with app.app_context():
        scores = {d.id: (d.fit_score, d.off_topic) for d in db.session.scalars(select(Donation))}
        campaign_id = db.session.get(Donation, off_topic).campaign_id
    assert scores[on_topic][0] > scores[off_topic][0]
    assert scores[on_topic][1] is False and scores[off_topic][1] is True
    auth.login("admin")
    page = client.get(f"/admin/campaigns/{campaign_id}", query_string={"off_topic": "1"}).get_data(as_text=True)
    assert "off-topic" in page and "grocery" in page


@pytest.mark.app_config(ROUTER_EMBEDDING_MODEL="/nonexistent/sentence-model")
def test_a_failing_encoder_leaves_the_donation_unscored_and_kept(app, donor, make_campaign, caplog):
    donation_id = stored_donation(app, donor, make_campaign, "Night-time noise meter readings near my home.")
    with app.app_context():
        donation = db.session.get(Donation, donation_id)
        assert donation is not None
        assert donation.fit_score is None and donation.off_topic is False
    assert "fit check of donation" in caplog.text
