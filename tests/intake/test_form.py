"""Server-side validation of the report form: one clear message per field, nothing stored on error."""
import re

import pytest
from sqlalchemy import func, select

from gwangju_civic.extensions import db
from gwangju_civic.models import Status, Submission
from tests.factories import form_data


def errors_in(html: str) -> list[str]:
    return re.findall(r'class="error-message" role="alert">([^<]+)<', html)


def submission_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Submission))


def post(client, **overrides):
    client.set_cookie("lang", "en")
    return client.post("/report", data=form_data(**overrides))


def test_valid_report_is_stored_and_confirmed(client, app):
    response = post(client)
    assert response.status_code == 302
    code = response.headers["Location"].rsplit("/", 1)[-1]
    page = client.get(response.headers["Location"])
    assert code in page.text
    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
        assert submission.status == Status.NEEDS_TRIAGE  # no trained router in this test: a person decides
        assert submission.department is None
        assert submission.language == "ko"
        assert submission.created_at.tzinfo is not None
        assert [event.action for event in submission.events][0] == "created"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Give your report a short title."),
        ({"title": "abc"}, "The title must be 4 to 120 characters long."),
        ({"title": "x" * 121}, "The title must be 4 to 120 characters long."),
        ({"description": ""}, "Describe the problem or idea."),
        ({"description": "too short"}, "The description must be 10 to 5000 characters long."),
        ({"kind": "complaint"}, "Not a valid choice."),
        ({"address": "", "latitude": "", "longitude": ""},
         "Tell us where the problem is: an address, a place or a point on the map."),
        ({"address": "x" * 301}, "The address must be at most 300 characters."),
        ({"latitude": "37.56", "longitude": "126.97"},
         "This point is outside Gwangju. Move the pin into one of its five districts, or give an address instead."),
        ({"latitude": "35.15", "longitude": ""}, "Give both latitude and longitude, or neither."),
        ({"latitude": "north"}, "Not a valid float value."),
        ({"contact_email": "not-an-email"}, "Enter a valid e-mail address."),
        ({"contact_phone": "12345"}, "Enter a phone number such as 010-1234-5678."),
        ({"is_anonymous": "y", "contact_email": "me@example.org"},
         "An anonymous report has no contact details: clear them, or untick anonymous."),
    ],
)
def test_each_invalid_field_gets_its_message_and_nothing_is_stored(client, app, overrides, message):
    response = post(client, **overrides)
    assert response.status_code == 400
    assert message in errors_in(response.text)
    assert submission_count(app) == 0


def test_an_idea_needs_no_place(client, app):
    response = post(client, kind="idea", title="AI 버스 도착 안내", address="",
                    description="정류장마다 AI로 혼잡도를 예측해서 알려주면 좋겠습니다.")
    assert response.status_code == 302
    assert submission_count(app) == 1


def test_coordinates_alone_locate_a_problem(client, app):
    response = post(client, address="", latitude="35.1595", longitude="126.8526")
    assert response.status_code == 302
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        assert (submission.latitude, submission.longitude) == (35.1595, 126.8526)


def test_contact_details_are_kept_for_updates(client, app):
    assert post(client, contact_email="resident@example.org", contact_phone="010-1234-5678").status_code == 302
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        assert submission.contact_email == "resident@example.org"
        assert submission.contact_phone == "010-1234-5678"
        assert not submission.is_anonymous


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_post_without_csrf_token_is_refused(client, app):
    client.set_cookie("lang", "en")
    response = client.post("/report", data=form_data())
    assert response.status_code == 400
    assert "The form expired" in response.text
    assert submission_count(app) == 0


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_post_with_the_form_csrf_token_is_accepted(client, app):
    form = client.get("/report").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = client.post("/report", data=form_data(csrf_token=token))
    assert response.status_code == 302
    assert submission_count(app) == 1
