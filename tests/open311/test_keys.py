"""API keys: created by the CLI or the admin page, stored hashed, revoked by admins, throttled per key."""
import pytest
from sqlalchemy import select

from gwangju_civic.api.open311.operations import key_hash
from gwangju_civic.extensions import db
from gwangju_civic.models import ApiKey
from tests.open311.conftest import as_json, as_xml, post


def test_the_cli_prints_the_key_alone_on_its_last_line_and_stores_its_hash(app, runner, client):
    result = runner.invoke(args=["open311", "create-key", "--name", "FixMyStreet Gwangju"])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("gjk_") and " " not in key and len(key) > 30
    with app.app_context():
        row = db.session.scalar(select(ApiKey))
        assert row.name == "FixMyStreet Gwangju" and row.key_hash == key_hash(key) and key not in row.key_hash
    assert post(client, key).status_code == 201
    assert runner.invoke(args=["open311", "create-key", "--name", " "]).exit_code != 0


def test_admins_create_list_and_revoke_keys(app, client, auth, api_key):
    auth.login("admin")
    page = client.get("/admin/api-keys")
    assert page.status_code == 200 and "Test app" in page.text and api_key not in page.text
    created = client.post("/admin/api-keys", data={"name": "City call centre"})
    assert created.status_code == 200
    with app.app_context():
        row = db.session.scalar(select(ApiKey).where(ApiKey.name == "City call centre"))
    new_key = next(word for word in created.text.split("<code class=\"api-key\">")[1].split("<"))
    assert key_hash(new_key) == row.key_hash
    assert new_key not in client.get("/admin/api-keys").text  # shown once only
    assert client.post(f"/admin/api-keys/{row.id}/revoke").status_code == 303
    assert post(client, new_key).status_code == 403
    assert post(client, api_key).status_code == 201
    assert client.post("/admin/api-keys", data={"name": ""}).status_code == 400


@pytest.mark.parametrize("who", ["triager", "officer"])
def test_only_admins_see_the_keys(client, auth, who):
    auth.login(who)
    assert client.get("/admin/api-keys").status_code == 403
    assert client.post("/admin/api-keys", data={"name": "x"}).status_code == 403


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_revoking_needs_the_csrf_token(app, client, auth, api_key):
    client.set_cookie("lang", "en")
    login_page = client.get("/admin/login")
    token = login_page.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/admin/login", data={"email": "admin@gwangju-civic.example", "password": "correct horse battery "
                                      "staple", "csrf_token": token})
    with app.app_context():
        key_id = db.session.scalar(select(ApiKey.id))
    assert client.post(f"/admin/api-keys/{key_id}/revoke").status_code in (400, 303)
    with app.app_context():
        assert db.session.scalar(select(ApiKey.revoked_at)) is None
    assert post(client, api_key).status_code == 201  # the API itself needs no CSRF token


@pytest.mark.app_config(OPEN311_THROTTLE="3 per minute")
def test_calls_are_throttled_per_key(app, client, api_key):
    for _ in range(3):
        assert client.get(f"/open311/v2/services.json?api_key={api_key}").status_code == 200
    limited = post(client, api_key)
    assert limited.status_code == 429 and as_json(limited)[0]["code"] == 429
    assert as_xml(client.get(f"/open311/v2/discovery.xml?api_key={api_key}")).tag == "errors"
    with app.app_context():
        from gwangju_civic.api.open311.operations import create_key

        _row, other = create_key("Another app")
        db.session.commit()
    assert post(client, other).status_code == 201


@pytest.mark.app_config(OPEN311_THROTTLE="3 per minute")
def test_made_up_keys_share_the_address_budget(client, api_key):
    for number in range(3):
        assert client.get(f"/open311/v2/services.json?api_key=made-up-{number}").status_code == 200
    assert client.get("/open311/v2/services.json?api_key=made-up-again").status_code == 429
    assert client.get("/open311/v2/services.json").status_code == 429
    assert client.get(f"/open311/v2/services.json?api_key={api_key}").status_code == 200  # a real key: its own
