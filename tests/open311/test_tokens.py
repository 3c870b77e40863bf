"""A report posted while the database is down gets a token; tokens/{token} gives its id once it is filed."""
from pathlib import Path

from gwangju_civic.extensions import db
from gwangju_civic.intake import spool
from gwangju_civic.models import ApiKey, ApiReport, Submission
from tests.open311.conftest import as_json, as_xml, children, post


def test_a_token_round_trip_through_a_database_outage(app, outage_app, api_key):
    down = outage_app.test_client()
    response = post(down, api_key, "xml", description="Flooded underpass near Gwangju station.")
    assert response.status_code == 202
    root = as_xml(response)
    assert children(root) == ["request"] and children(root[0]) == ["token"]
    token = root[0].findtext("token")
    [entry] = spool.spooled(Path(outage_app.config["SPOOL_FOLDER"]))
    assert token not in (entry / "draft.json").read_text(encoding="utf-8")  # only its hash is kept
    assert token != entry.name and entry.name not in token
    waiting = as_json(down.get(f"/open311/v2/tokens/{token}.json"))
    assert waiting == [{"service_request_id": None, "token": token}]
    assert down.get("/open311/v2/tokens/unknown-token.json").status_code == 503
    up = app.test_client()
    [resolved] = as_json(up.get(f"/open311/v2/tokens/{token}.json"))  # this request files the spool first
    assert resolved["token"] == token and resolved["service_request_id"]
    xml = as_xml(up.get(f"/open311/v2/tokens/{token}.xml"))
    assert children(xml[0]) == ["service_request_id", "token"]
    assert xml[0].findtext("service_request_id") == resolved["service_request_id"]
    with app.app_context():
        submission = db.session.get(Submission, int(resolved["service_request_id"]))
        assert submission.tracking_code == entry.name and submission.tracking_code not in token
        assert submission.api_key_id == db.session.query(ApiKey.id).scalar()
        assert db.session.get(ApiReport, submission.id).token_hash is not None
    [record] = as_json(up.get(f"/open311/v2/requests/{resolved['service_request_id']}.json"))
    assert record["description"] == "Flooded underpass near Gwangju station."
    assert up.get("/open311/v2/tokens/unknown-token.json").status_code == 404


def test_during_an_outage_keys_cannot_be_checked_but_bad_requests_are_still_refused(outage_app):
    down = outage_app.test_client()
    assert post(down, None).status_code == 403
    assert post(down, "some-key", service_code="no_such_service").status_code == 404
    assert post(down, "some-key", lat="37.5665", long="126.9780").status_code == 400
    assert down.get("/open311/v2/requests.json").status_code == 503
    assert as_json(down.get("/open311/v2/requests.json"))[0]["code"] == 503


def test_a_spooled_report_with_a_key_that_was_never_valid_is_filed_without_a_key(app, outage_app):
    response = post(outage_app.test_client(), "made-up-key")
    token = as_json(response)[0]["token"]
    [resolved] = as_json(app.test_client().get(f"/open311/v2/tokens/{token}.json"))
    with app.app_context():
        submission = db.session.get(Submission, int(resolved["service_request_id"]))
        assert submission.api_key_id is None
        assert any("no longer exists or was revoked" in (event.message or "") for event in submission.events)
