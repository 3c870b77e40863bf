"""Fit check with the routing component's real encoder, outside requests: off-topic donations are flagged."""
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
    assert unrelated < 0.15  # the default DONATION_FIT_THRESHOLD: under 'same topic' (1 of 5) by people


@pytest.mark.app_config(DONATION_FIT_THRESHOLD=0.15)
def test_consent_stores_the_donation_unchecked_and_the_fit_check_scores_it_later(app, client, auth, donor,
                                                                                 make_campaign):
    on_topic = stored_donation(app, donor, make_campaign, "Noise readings from my balcony, every night for a week.")
    off_topic = stored_donation(app, donor, make_campaign, "My grocery shopping list and a cake recipe.")
    with app.app_context():  # no model loads in the resident's request: nothing is scored yet
        assert [(d.fit_score, d.off_topic) for d in db.session.scalars(select(Donation))] == [(None, False)] * 2
        campaign_id = db.session.get(Donation, off_topic).campaign_id
    auth.login("admin")
    assert "not yet checked" in client.get(f"/admin/campaigns/{campaign_id}/donations/{off_topic}").text
    assert "not yet checked" in client.get(f"/admin/campaigns/{campaign_id}", query_string={"status": ""}).text

    with app.app_context():
        run = fit.check_pending_fits()
        db.session.commit()
        assert (run.checked, run.failed) == (2, 0)
        scores = {d.id: (d.fit_score, d.off_topic) for d in db.session.scalars(select(Donation))}
        assert fit.check_pending_fits() == fit.FitRun(0, 0)  # idempotent: nothing left to check
    assert scores[on_topic][0] > scores[off_topic][0]
    assert scores[on_topic][1] is False and scores[off_topic][1] is True
    page = client.get(f"/admin/campaigns/{campaign_id}", query_string={"off_topic": "1"}).text
    assert "off-topic" in page and "grocery" in page and "not yet checked" not in page


def test_flask_donations_fit_check_scores_unchecked_donations(app, donor, make_campaign, runner):
    donation_id = stored_donation(app, donor, make_campaign, "Noise readings from my balcony, every night.")
    result = runner.invoke(args=["donations", "fit-check"])
    assert result.exit_code == 0 and "1 donation(s) checked, 0 failed" in result.output
    with app.app_context():
        assert db.session.get(Donation, donation_id).fit_score is not None
    assert "0 donation(s) checked, 0 failed" in runner.invoke(args=["donations", "fit-check"]).output


@pytest.mark.app_config(SIMILARITY_ENCODER="/nonexistent/sentence-model")
def test_a_failing_encoder_leaves_the_donation_unscored_and_kept(app, donor, make_campaign, runner, caplog):
    donation_id = stored_donation(app, donor, make_campaign, "Night-time noise meter readings near my home.")
    result = runner.invoke(args=["donations", "fit-check"])
    assert result.exit_code == 1 and "0 donation(s) checked, 1 failed" in result.output
    with app.app_context():
        donation = db.session.get(Donation, donation_id)
        assert donation is not None
        assert donation.fit_score is None and donation.off_topic is False
    assert "fit check of donation" in caplog.text
