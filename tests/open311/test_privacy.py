"""No answer carries contact data, a tracking code or unmasked personal data, in either format."""
from gwangju_civic.extensions import db
from gwangju_civic.models import Submission
from tests.open311.conftest import as_json, post

SECRETS = ["resident@example.org", "010-2222-3333", "Minji", "Kim", "device-77", "acct-55", "010-4444-5555",
           "900101-1234567"]


def test_no_answer_leaks_contacts_tracking_codes_or_personal_data(app, client, api_key):
    response = post(client, api_key, email="resident@example.org", phone="010-2222-3333", first_name="Minji",
                    last_name="Kim", device_id="device-77", account_id="acct-55",
                    description="Pothole by my house, call me at 010-4444-5555 (RRN 900101-1234567).",
                    media_url="https://photos.example.org/010-4444-5555.jpg")
    request_id = as_json(response)[0]["service_request_id"]
    with app.app_context():
        code = db.session.get(Submission, int(request_id)).tracking_code
    answers = [response.get_data(as_text=True)]
    for fmt in ("json", "xml"):
        for path in (f"requests/{request_id}", "requests", f"requests?service_request_id={request_id}"):
            page = client.get(f"/open311/v2/{path.replace('?', f'.{fmt}?') if '?' in path else f'{path}.{fmt}'}")
            assert page.status_code == 200
            answers.append(page.get_data(as_text=True))
    for text in answers:
        assert code not in text and code.replace("-", "") not in text
        for secret in SECRETS:
            assert secret not in text, secret
    [record] = as_json(client.get(f"/open311/v2/requests/{request_id}.json"))
    assert record["description"].startswith("Pothole by my house") and record["media_url"] is None


def test_points_are_as_approximate_as_on_the_public_map(app, client, api_key):
    response = post(client, api_key, lat="35.159512", long="126.852634")
    request_id = as_json(response)[0]["service_request_id"]
    [record] = as_json(client.get(f"/open311/v2/requests/{request_id}.json"))
    assert (record["lat"], record["long"]) == (35.16, 126.853)  # COORDINATE_PRECISION: 3 decimals
    with app.app_context():
        stored = db.session.get(Submission, int(request_id))
        assert (stored.latitude, stored.longitude) == (35.159512, 126.852634)  # staff keep the exact pin
