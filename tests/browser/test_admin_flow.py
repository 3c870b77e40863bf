"""A triager signs in with a real browser and triages one submission end to end."""
import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Status, Submission
from tests.staff import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


def test_triager_signs_in_and_routes_a_submission(app, live_server, page, staff, make_submission):
    code = make_submission(title="Broken streetlight by Unam-dong centre")
    page.goto(f"{live_server}/lang/en?next=/admin/queue")
    page.wait_for_url("**/admin/login*")
    page.fill("input[name=email]", staff["triager"].email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/queue")

    page.click(f"text={code}")
    page.select_option("#routing-form select[name=category]", "streetlight_out")
    page.select_option("#routing-form select[name=department]", "roads")
    page.select_option("#routing-form select[name=plan_priority]", "PP17")
    page.select_option("#routing-form select[name=urgency]", "P3")
    page.click("#routing-form button[type=submit]")
    assert "Routing saved." in page.inner_text(".flash")

    page.fill("#update-form textarea", "A technician will replace the lamp this week.")
    page.click("#update-form button[type=submit]")
    assert "Update sent to the citizen." in page.inner_text(".flash")
    assert "A technician will replace the lamp this week." in page.inner_text(".audit")

    page.goto(f"{live_server}/track/{code}")
    assert "Sent to department" in page.inner_text("main")
    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
        assert submission.status == Status.ROUTED and submission.category.code == "streetlight_out"
