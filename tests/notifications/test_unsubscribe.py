"""Unsubscribe by the signed link: a page with a button, RFC 8058 one-click POST, bad links refused."""
import re
import time

import pytest

from gwangju_civic.extensions import db
from gwangju_civic.models import Channel
from gwangju_civic.notifications import outbox
from gwangju_civic.notifications.email import UNSUBSCRIBE, build
from gwangju_civic.notifications.tokens import BadToken, make_token, read_token


@pytest.fixture
def link(app) -> str:
    """The path of the List-Unsubscribe link of a message about report 5."""
    app.config.update(PUBLIC_URL="https://civic.example")
    with app.app_context():
        notification = outbox.enqueue(channel=Channel.EMAIL, recipient="resident@example.org", kind="update",
                                      language="ko", subject="s", text="t", key="k",
                                      unsubscribe_scope="submission:5")
        db.session.commit()
        header = build(notification).message()["List-Unsubscribe"]
    return re.search(r"<https://civic\.example(/unsubscribe/[^>]+)>", header).group(1)


def suppressed(app, scope: str) -> bool:
    with app.app_context():
        return outbox.is_suppressed(Channel.EMAIL, "resident@example.org", scope)


def test_the_link_opens_a_confirm_page_and_changes_nothing_by_itself(client, app, link):
    page = client.get(link)
    assert page.status_code == 200 and 'id="confirm-unsubscribe"' in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"  # its address carries the signed token
    assert not suppressed(app, "submission:5")  # link scanners only GET


def test_one_click_post_needs_no_login_and_no_csrf_token(app, link):
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post(link, data="List-Unsubscribe=One-Click",
                                      content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert suppressed(app, "submission:5") and not suppressed(app, "submission:6")


def test_the_button_can_stop_everything(client, app, link):
    assert client.post(link, data={"scope": "all"}).status_code == 200
    assert suppressed(app, "submission:6")


def test_tampered_and_expired_links_are_refused_clearly(client, app, link):
    client.set_cookie("lang", "en")
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    for method in (client.get, client.post):
        response = method(tampered)
        assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)
    with app.app_context():
        other_purpose = make_token("fixed", n=1)
    assert client.post(f"/unsubscribe/{other_purpose}").status_code == 400
    assert not suppressed(app, "submission:5")


def test_read_token_refuses_expired_and_wrong_purpose(app):
    with app.app_context():
        token = make_token(UNSUBSCRIBE, n=3)
        assert read_token(UNSUBSCRIBE, token, 60) == {"n": 3}
        with pytest.raises(BadToken) as wrong:
            read_token("fixed", token, 60)
        assert not wrong.value.expired
        time.sleep(1.1)  # itsdangerous timestamps have one-second resolution
        with pytest.raises(BadToken) as expired:
            read_token(UNSUBSCRIBE, token, 0)
        assert expired.value.expired
