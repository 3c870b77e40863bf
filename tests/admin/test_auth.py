"""Staff sign-in: hashed passwords, throttled failures, safe cookies, and the users command."""
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from sqlalchemy import select

from gwangju_civic import create_app
from gwangju_civic.config import from_environment
from gwangju_civic.extensions import db
from gwangju_civic.models import Role, User
from tests.staff import PASSWORD


def test_sign_in_and_out(client, auth):
    response = auth.login("triager")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/queue"
    assert client.get("/admin/queue").status_code == 200
    assert auth.logout().status_code == 303
    assert client.get("/admin/queue").status_code == 302


def test_wrong_password_gets_the_same_message_as_an_unknown_user(client, auth):
    wrong = auth.login("triager", password="not the password")
    unknown = client.post("/admin/login", data={"email": "nobody@example.org", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong e-mail or password." in wrong.text and "Wrong e-mail or password." in unknown.text


def test_next_parameter_stays_on_this_site(client, staff):
    data = {"email": staff["admin"].email, "password": PASSWORD}
    inside = client.post("/admin/login?next=/admin/dashboard", data=data)
    assert inside.headers["Location"] == "/admin/dashboard"
    client.post("/admin/logout")
    outside = client.post("/admin/login?next=https://evil.example/", data=data)
    assert outside.headers["Location"] == "/admin/queue"


def test_repeated_failures_are_throttled_and_success_is_not_counted(client, auth):
    for _ in range(3):
        assert auth.login("admin").status_code == 302
        auth.logout()
    for _ in range(5):
        assert auth.login("triager", password="guess").status_code == 401
    throttled = auth.login("triager")
    assert throttled.status_code == 429
    assert "Too many attempts." in throttled.text
    assert auth.login("admin").status_code == 302  # another account from the same address still works


def test_inactive_account_cannot_sign_in(app, auth):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "triager@gwangju-civic.example"))
        user.active = False
        db.session.commit()
    assert auth.login("triager").status_code == 401


def test_session_cookie_is_secure_http_only_and_same_site(client, auth):
    response = auth.login("admin")
    cookie = next(value for name, value in response.headers.items() if name == "Set-Cookie" and "session=" in value)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_staff_posts_need_the_csrf_token(client, auth, roads_submission):
    client.set_cookie("lang", "en")
    page = client.get("/admin/login").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/admin/login", data={"email": "admin@gwangju-civic.example", "password": PASSWORD,
                                      "csrf_token": token})
    response = client.post(f"/admin/submissions/{roads_submission}/note", data={"note-message": "no token"})
    assert response.status_code == 400


def test_users_create_hashes_with_scrypt(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "Kim@Gwangju-Civic.example", "--name", "Kim",
                                 "--role", "officer", "--department", "water", "--password", "a long passphrase"])
    assert result.exit_code == 0, result.output
    assert "created officer kim@gwangju-civic.example" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "kim@gwangju-civic.example"))
        assert user.role == Role.OFFICER and user.department.code == "water"
        assert user.password_hash.startswith("scrypt:") and "a long passphrase" not in user.password_hash
        assert user.check_password("a long passphrase")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--role", "officer"], "an officer needs a department"),
        (["--role", "triager", "--password", "short"], "at least 12 characters"),
        (["--role", "officer", "--department", "nowhere"], "no department with code nowhere"),
    ],
)
def test_users_create_refuses_bad_accounts(runner, app, arguments, message):
    base = ["users", "create", "--email", "x@example.org", "--name", "X", "--password", "a long passphrase"]
    result = runner.invoke(args=base + arguments)
    assert result.exit_code != 0 and message in result.output




def test_a_session_cookie_copied_before_sign_out_no_longer_works(app, client, auth):
    auth.login("admin")
    copied = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/admin/queue").status_code == 200  # the copy works while the session lasts
    auth.logout()
    assert thief.get("/admin/queue").status_code == 302
    assert auth.login("admin").status_code == 302  # signing in again starts a new, valid session
    assert client.get("/admin/queue").status_code == 200


def test_a_new_password_ends_the_sessions_signed_in_with_the_old_one(app, client, auth, staff):
    auth.login("admin")
    assert client.get("/admin/queue").status_code == 200
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == staff["admin"].email))
        admin.set_password("a brand new long passphrase")
        db.session.commit()
    assert client.get("/admin/queue").status_code == 302


def test_a_tampered_session_id_is_refused(app, client, auth):
    auth.login("admin")
    with client.session_transaction() as session:
        user_id, _, token = session["_user_id"].partition(":")
        session["_user_id"] = user_id  # the id alone, as before session tokens
    assert client.get("/admin/queue").status_code == 302


def test_unknown_emails_cost_the_same_password_check_as_known_ones(client, auth, monkeypatch):
    """Sign-in time must not reveal which staff accounts exist: both paths verify one scrypt hash of the same cost."""
    from gwangju_civic.auth import services

    checked: list[str] = []
    real = services.check_password_hash

    def spy(stored_hash: str, password: str) -> bool:
        checked.append(stored_hash.split("$")[0])  # the method and its cost parameters, e.g. scrypt:32768:8:1
        return real(stored_hash, password)

    monkeypatch.setattr(services, "check_password_hash", spy)
    assert auth.login("triager", password="not the password").status_code == 401
    assert client.post("/admin/login", data={"email": "nobody@example.org", "password": PASSWORD}).status_code == 401
    assert len(checked) == 2 and checked[0] == checked[1] and checked[0].startswith("scrypt:")


def _sign_in_at_once(app, email: str, password: str, attempts: int) -> list[int]:
    """Send `attempts` sign-ins simultaneously, each from its own browser, and return the status codes."""
    barrier = threading.Barrier(attempts)

    def attempt(_: int) -> int:
        browser = app.test_client()
        barrier.wait()
        return browser.post("/admin/login", data={"email": email, "password": password}).status_code

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        return list(pool.map(attempt, range(attempts)))


def test_simultaneous_wrong_passwords_are_counted_before_any_is_checked(app, staff):
    statuses = _sign_in_at_once(app, staff["triager"].email, "a wrong guess", attempts=40)
    assert sorted(statuses) == [401] * 5 + [429] * 35  # LOGIN_THROTTLE is 5 per 15 minutes


@pytest.mark.app_config(LOGIN_THROTTLE="3 per 15 minutes")
def test_the_right_password_clears_the_count_of_earlier_typos(client, auth):
    for _ in range(2):
        for _ in range(2):
            assert auth.login("triager", password="a typo").status_code == 401
        assert auth.login("triager").status_code == 302
        auth.logout()


@pytest.mark.app_config(LOGIN_ADDRESS_THROTTLE="3 per 15 minutes")
def test_one_address_trying_many_accounts_is_throttled_but_not_the_right_password(app, client, auth, staff):
    assert auth.login("admin").status_code == 302  # a success does not count towards the address limit
    auth.logout()
    for who in ("triager", "officer", "other_officer"):
        assert auth.login(who, password="spray").status_code == 401
    assert client.post("/admin/login", data={"email": "x@example.org", "password": "spray"}).status_code == 429
    # The admin signed in from this browser before: the spray from the same office does not lock them out.
    assert auth.login("admin").status_code == 302
    auth.logout()
    # A new browser at the same address, with the right password, still meets the address limit.
    newcomer = app.test_client()
    assert newcomer.post("/admin/login", data={"email": staff["triager"].email,
                                               "password": PASSWORD}).status_code == 429


@pytest.mark.app_config(LOGIN_THROTTLE="2 per 15 minutes")
def test_an_ipv6_host_cannot_dodge_the_throttle_by_changing_its_address(client, staff):
    email = staff["triager"].email
    for host in ("2001:db8:1:2::10", "2001:db8:1:2::11"):  # one /64: one host
        response = client.post("/admin/login", data={"email": email, "password": "guess"},
                               environ_base={"REMOTE_ADDR": host})
        assert response.status_code == 401
    blocked = client.post("/admin/login", data={"email": email, "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "2001:db8:1:2:ffff::1"})
    assert blocked.status_code == 429
    elsewhere = client.post("/admin/login", data={"email": email, "password": PASSWORD},
                            environ_base={"REMOTE_ADDR": "2001:db8:1:3::10"})
    assert elsewhere.status_code == 302


def _login_from(client, address: str, who_email: str, password: str, **headers):
    return client.post("/admin/login", data={"email": who_email, "password": password},
                       headers={"X-Forwarded-For": address, **headers}, environ_base={"REMOTE_ADDR": "10.0.0.2"})


@pytest.mark.app_config(PROXY_COUNT=1, LOGIN_THROTTLE="2 per 15 minutes")
def test_behind_a_proxy_each_real_client_has_its_own_count(client, staff):
    email = staff["triager"].email
    for _ in range(2):
        assert _login_from(client, "203.0.113.5", email, "guess").status_code == 401
    assert _login_from(client, "203.0.113.5", email, PASSWORD).status_code == 429
    assert _login_from(client, "198.51.100.7", email, PASSWORD).status_code == 302  # a colleague elsewhere


@pytest.mark.app_config(LOGIN_THROTTLE="2 per 15 minutes")
def test_without_a_trusted_proxy_a_forged_forwarded_for_gets_no_fresh_count(client, staff):
    email = staff["triager"].email
    for address in ("203.0.113.5", "203.0.113.6"):
        assert _login_from(client, address, email, "guess").status_code == 401
    assert _login_from(client, "203.0.113.7", email, PASSWORD).status_code == 429


@pytest.mark.parametrize("email", ["kim", "kim@", "kim@localhost", "kim@@gwangju.example", "kim gwangju@x.example"])
def test_users_create_refuses_what_the_sign_in_form_refuses(app, client, runner, email):
    client.set_cookie("lang", "en")
    form = client.post("/admin/login", data={"email": email, "password": PASSWORD})
    assert form.status_code == 401 and "Enter a valid e-mail address." in form.text
    result = runner.invoke(args=["users", "create", "--email", email, "--name", "Kim", "--role", "triager",
                                 "--password", "a long passphrase"])
    assert result.exit_code != 0 and "not an address the sign-in form accepts" in result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.name == "Kim")) is None


def _redis_url_or_skip() -> str:
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"no Redis answering at {url}")
    return url


@pytest.fixture
def redis_app_config(app_config: dict) -> dict:
    """Throttle counters in the real Redis (REDIS_URL), under a key prefix no other run uses."""
    app_config.update(RATELIMIT_STORAGE_URI=_redis_url_or_skip(),
                      RATELIMIT_KEY_PREFIX=f"gjc-test-{uuid.uuid4().hex}")
    return app_config


def test_with_redis_url_every_worker_shares_the_counts(redis_app_config, app, auth):
    for _ in range(5):
        assert auth.login("triager", password="guess").status_code == 401
    other_worker = create_app(redis_app_config)  # its own app and limiter storage, as another gunicorn worker has
    response = other_worker.test_client().post("/admin/login", data={"email": "triager@gwangju-civic.example",
                                                                     "password": PASSWORD})
    with other_worker.app_context():
        db.engine.dispose()
    assert response.status_code == 429


def test_redis_url_from_the_environment_becomes_the_throttle_storage(monkeypatch, tmp_path):
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/2")
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    assert from_environment(tmp_path)["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6379/2"
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memcached://127.0.0.1:11211")
    assert from_environment(tmp_path)["RATELIMIT_STORAGE_URI"] == "memcached://127.0.0.1:11211"


@pytest.fixture
def unreachable_redis(app_config: dict):
    """Counters meant for a Redis that does not answer (nothing listens on port 1)."""
    from gwangju_civic.extensions import limiter

    app_config.update(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0", LOGIN_THROTTLE="2 per 15 minutes")
    yield
    limiter._storage_dead = False  # the shared Limiter instance outlives this test's app


def test_when_redis_is_down_sign_in_still_answers_and_still_throttles(unreachable_redis, client, auth):
    statuses = [auth.login("triager", password="guess").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]  # counted per process until Redis is back, never a 500
