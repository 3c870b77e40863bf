"""POST requests: the spec's rules (key, service, location, attributes), filed through the same intake service."""
import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import ApiKey, ApiReport, Status, Submission, SubmissionKind
from tests.open311.conftest import SEOUL, as_json, as_xml, children, post


def stored(submission_id: str) -> Submission:
    return db.session.get(Submission, int(submission_id))


def test_a_report_is_filed_with_its_key_and_answered_in_json(app, client, api_key):
    response = post(client, api_key, email="resident@example.org", phone="010-1234-5678", first_name="Minji",
                    last_name="Kim", device_id="device-1", account_id="acct-9",
                    media_url="https://photos.example.org/pothole.jpg", **{"attribute[kind]": "problem",
                                                                            "attribute[lane]": "bus lane"})
    assert response.status_code == 201
    [answer] = as_json(response)
    assert list(answer) == ["service_request_id", "service_notice", "account_id"]
    assert isinstance(answer["service_request_id"], str) and answer["account_id"] is None
    with app.app_context():
        submission = stored(answer["service_request_id"])
        assert submission.title == "A deep pothole in front of the bus stop."
        assert (submission.contact_email, submission.contact_phone) == ("resident@example.org", "010-1234-5678")
        assert submission.district_code is not None and submission.category.code == "pothole"
        assert submission.api_key_id == db.session.scalar(select(ApiKey.id))
        assert submission.status == Status.NEEDS_TRIAGE  # no router here: a person looks at it
        extra = db.session.get(ApiReport, submission.id)
        assert extra.contact == {"first_name": "Minji", "last_name": "Kim", "device_id": "device-1",
                                 "account_id": "acct-9"}
        assert extra.attributes == {"lane": "bus lane"} and extra.media_url.endswith("pothole.jpg")
        assert extra.token_hash is None
        assert db.session.scalar(select(ApiKey.last_used_at)) is not None


def test_the_xml_answer_and_an_idea_by_address(app, client, api_key):
    response = post(client, api_key, "xml", lat=None, long=None, address_string="광주 서구 상무중앙로 1",
                    **{"attribute[kind]": "idea"})
    assert response.status_code == 201
    root = as_xml(response)
    assert root.tag == "service_requests" and children(root) == ["request"]
    assert children(root[0]) == ["service_request_id", "service_notice", "account_id"]
    with app.app_context():
        submission = stored(root[0].findtext("service_request_id"))
        assert submission.kind == SubmissionKind.IDEA and submission.address == "광주 서구 상무중앙로 1"


def test_an_address_id_alone_is_a_location(app, client, api_key):
    response = post(client, api_key, lat=None, long=None, address_id="GJ-ADDR-1")
    assert response.status_code == 201
    with app.app_context():
        assert db.session.get(ApiReport, int(as_json(response)[0]["service_request_id"])).contact == {
            "address_id": "GJ-ADDR-1"}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("key", "fields", "status"), [
    (None, {}, 403),
    ("wrong-key", {}, 403),
    ("valid", {"service_code": None}, 400),
    ("valid", {"service_code": "no_such_service"}, 404),
    ("valid", {"lat": None, "long": None}, 400),
    ("valid", {"long": None}, 400),
    ("valid", SEOUL, 400),
    ("valid", {"lat": "nan"}, 400),
    ("valid", {"lat": "north"}, 400),
    ("valid", {"attribute[kind]": "complaint"}, 400),
    ("valid", {"description": "x" * 4001}, 400),
    ("valid", {"service_code": "other", "description": "help"}, 400),
    ("valid", {"email": "not an address"}, 400),
    ("valid", {"media_url": "javascript:alert(1)"}, 400),
])
def test_the_spec_errors_with_their_status(app, client, api_key, fmt, key, fields, status):
    response = post(client, api_key if key == "valid" else key, fmt, **fields)
    assert response.status_code == status
    if fmt == "json":
        [error] = as_json(response)
        assert error["code"] == status and error["description"]
    else:
        root = as_xml(response)
        assert root.tag == "errors" and children(root) == ["error"]
        assert children(root[0]) == ["code", "description"] and root[0].findtext("code") == str(status)
    with app.app_context():
        assert db.session.scalar(select(Submission.id)) is None


def test_a_revoked_key_is_refused(app, client, api_key):
    from gwangju_civic.api.open311.operations import revoke_key

    with app.app_context():
        revoke_key(db.session.scalar(select(ApiKey)))
        db.session.commit()
    assert post(client, api_key).status_code == 403


@pytest.mark.app_config(ROUTER_CONFIDENCE_THRESHOLD=0.3)
def test_the_generic_service_gets_everything_from_the_router(app, with_router, client, api_key):
    response = post(client, api_key, service_code="other",
                    description="The streetlight outside our apartment has been dark for a week and the alley "
                                "is pitch black at night.")
    with app.app_context():
        submission = stored(as_json(response)[0]["service_request_id"])
        assert submission.status == Status.ROUTED
        assert (submission.category.code, submission.department.code) == ("streetlight_out", "roads")
        assert submission.urgency is not None and submission.plan_priority is not None


@pytest.mark.app_config(ROUTER_CONFIDENCE_THRESHOLD=0.3)
def test_a_chosen_service_is_kept_and_a_strong_disagreement_goes_to_triage(app, with_router, client, api_key):
    agreeing = post(client, api_key, service_code="pothole",
                    description="상무지구 시청 앞 도로에 포트홀이 생겨서 차들이 피해 가다가 사고 날 뻔했어요.")
    contested = post(client, api_key, service_code="stray_animals",
                     description="상무지구 시청 앞 도로에 포트홀이 생겨서 차들이 피해 가다가 사고 날 뻔했어요.")
    with app.app_context():
        kept = stored(as_json(agreeing)[0]["service_request_id"])
        assert (kept.status, kept.category.code, kept.department.code) == (Status.ROUTED, "pothole", "roads")
        flagged = stored(as_json(contested)[0]["service_request_id"])
        assert flagged.category.code == "stray_animals"  # never silently changed
        assert flagged.status == Status.NEEDS_TRIAGE
        assert any(event.action == "note" and "router suggests “pothole”" in (event.message or "")
                   for event in flagged.events)
