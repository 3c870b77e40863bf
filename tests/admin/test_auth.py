"""Staff sign-in: hashed passwords, throttled failures, safe cookies, and the users command."""
import uuid

import pytest
from sqlalchemy import select

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


@pytest.mark.app_config(RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379",
                        RATELIMIT_KEY_PREFIX=f"gjc-test-{uuid.uuid4().hex}")
def test_throttling_works_with_redis_storage_shared_by_processes(client, auth):
    for _ in range(5):
        assert auth.login("triager", password="guess").status_code == 401
    assert auth.login("triager").status_code == 429
