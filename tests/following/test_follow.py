"""Following a public report by e-mail: double opt-in, confirmation links, unsubscribe, hidden reports."""
import re

import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.following import operations
from gwangju_civic.models import Channel, Follower, Submission
from gwangju_civic.notifications import operations as notification_operations
from gwangju_civic.submissions import workflow
from tests.following.conftest import outbox_rows, user

FOLLOWER = "Neighbour@Example.org"


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English, so the assertions read; the language test chooses its own."""
    client.set_cookie("lang", "en")


def confirmation_token(app) -> str:
    with app.app_context():
        [row] = outbox_rows("follow_confirm")
        return re.search(r"/follow/confirm/(\S+)", row.body_text).group(1)


def followers(app, submission_id: int) -> list[str]:
    with app.app_context():
        return [f.email for f in operations.confirmed_followers(db.session.get(Submission, submission_id))]


def test_follow_writes_a_confirmation_and_follows_only_once_confirmed(app, client, report):
    client.set_cookie("lang", "en")
    page = client.get(f"/submissions/{report}")
    assert "Follow this report by e-mail" in page.text

    response = client.post(f"/submissions/{report}/follow", data={"email": FOLLOWER})
    assert response.status_code == 200 and "Check your mailbox" in response.text
    with app.app_context():
        [row] = outbox_rows("follow_confirm")
        assert row.recipient == "neighbour@example.org" and row.channel == Channel.EMAIL
        assert row.unsubscribe_scope == "all" and row.language == "en"
        submission = db.session.get(Submission, report)
        assert submission.tracking_code not in row.body_text + row.subject  # the filer's key stays private
        assert "filer@example.org" not in row.body_text
        [follower] = db.session.query(Follower).all()
        assert follower.confirmed_at is None
    assert followers(app, report) == []

    token = confirmation_token(app)
    page = client.get(f"/follow/confirm/{token}")  # a mail scanner opening the link confirms nothing
    assert page.status_code == 200 and "Yes, follow this report" in page.text
    assert followers(app, report) == []
    confirmed = client.post(f"/follow/confirm/{token}")
    assert confirmed.status_code == 200 and "neighbour@example.org" in confirmed.text
    assert followers(app, report) == ["neighbour@example.org"]


def test_the_confirmation_is_in_the_language_of_the_page(app, client, report):
    client.delete_cookie("lang")
    client.post(f"/submissions/{report}/follow", data={"email": FOLLOWER})  # no choice made: Korean
    client.set_cookie("lang", "fr")
    client.post(f"/submissions/{report}/follow", data={"email": "voisin@example.org"})
    with app.app_context():
        korean, french = outbox_rows("follow_confirm")
        assert korean.language == "ko" and "확인" in korean.subject and "안녕하세요" in korean.body_text
        assert french.language == "fr" and "Confirmez" in french.subject and "Bonjour" in french.body_text


def test_a_tampered_or_foreign_token_is_refused(app, client, report):
    client.post(f"/submissions/{report}/follow", data={"email": FOLLOWER})
    token = confirmation_token(app)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (tampered, "not-a-token"):
        response = client.post(f"/follow/confirm/{bad}")
        assert response.status_code == 400 and "not valid" in response.text
    with app.app_context():
        from gwangju_civic.notifications.tokens import make_token

        foreign = make_token("unsubscribe", follower=1, email="neighbour@example.org")  # another purpose's token
    assert client.post(f"/follow/confirm/{foreign}").status_code == 400
    assert followers(app, report) == []


@pytest.mark.app_config(FOLLOW_CONFIRM_MAX_AGE=-1)
def test_an_expired_confirmation_link_says_so(app, client, report):
    client.post(f"/submissions/{report}/follow", data={"email": FOLLOWER})
    response = client.post(f"/follow/confirm/{confirmation_token(app)}")
    assert response.status_code == 400 and "expired" in response.text
    assert followers(app, report) == []


def test_asking_again_sends_no_second_message_and_reveals_nothing(app, client, report):
    first = client.post(f"/submissions/{report}/follow", data={"email": FOLLOWER})
    again = client.post(f"/submissions/{report}/follow", data={"email": FOLLOWER.lower()})
    assert again.status_code == 200 and again.text == first.text
    client.post(f"/follow/confirm/{confirmation_token(app)}")
    following = client.post(f"/submissions/{report}/follow", data={"email": FOLLOWER})
    assert following.text == first.text  # the page does not tell whether the address follows
    with app.app_context():
        assert len(outbox_rows("follow_confirm")) == 1
        assert db.session.query(Follower).count() == 1


def test_invalid_address_is_a_form_error(client, report):
    client.set_cookie("lang", "en")
    response = client.post(f"/submissions/{report}/follow", data={"email": "not an address"})
    assert response.status_code == 400 and "Enter a valid e-mail address." in response.text


def test_hidden_or_unknown_reports_cannot_be_followed(app, client, report):
    with app.app_context():
        db.session.get(Submission, report).is_hidden = True
        db.session.commit()
    assert client.get(f"/submissions/{report}").status_code == 404
    assert client.post(f"/submissions/{report}/follow", data={"email": FOLLOWER}).status_code == 404
    assert client.post("/submissions/999999/follow", data={"email": FOLLOWER}).status_code == 404
    with app.app_context():
        assert outbox_rows("follow_confirm") == []


def test_a_link_to_a_report_hidden_since_confirms_nothing(app, client, report):
    client.post(f"/submissions/{report}/follow", data={"email": FOLLOWER})
    with app.app_context():
        db.session.get(Submission, report).is_hidden = True
        db.session.commit()
    assert client.post(f"/follow/confirm/{confirmation_token(app)}").status_code == 404
    assert followers(app, report) == []


@pytest.mark.app_config(FOLLOW_ADDRESS_THROTTLE="2 per day", FOLLOW_THROTTLE="100 per hour")
def test_one_address_cannot_be_flooded_from_many_clients(app, report):
    statuses = []
    for number in range(3):
        client = app.test_client()
        response = client.post(f"/submissions/{report}/follow", data={"email": FOLLOWER},
                                environ_base={"REMOTE_ADDR": f"203.0.113.{number + 1}"})
        statuses.append(response.status_code)
    assert statuses == [200, 200, 429]


@pytest.mark.app_config(FOLLOW_THROTTLE="2 per hour")
def test_one_client_cannot_flood_many_addresses(client, report):
    statuses = [client.post(f"/submissions/{report}/follow", data={"email": f"victim{n}@example.org"}).status_code
                for n in range(3)]
    assert statuses == [200, 200, 429]


def test_confirmed_followers_leave_out_the_filer_and_the_unsubscribed(app, report):
    with app.test_request_context():
        submission = db.session.get(Submission, report)
        operations.follow_confirmed(submission, "Moved@Example.org", "fr")
        operations.follow_confirmed(submission, "filer@example.org", "ko")  # hears from the report itself
        operations.follow_confirmed(submission, "other@example.org", "en")
        db.session.commit()
        assert [(f.email, f.language) for f in operations.confirmed_followers(submission)] == [
            ("moved@example.org", "fr"), ("other@example.org", "en")]
        notification_operations.unsubscribe(Channel.EMAIL, "other@example.org", f"submission:{report}")
        db.session.commit()
        assert [f.email for f in operations.confirmed_followers(submission)] == ["moved@example.org"]
        other = db.session.scalar(select(Follower).where(Follower.email == "other@example.org"))
        assert other.confirmed_at is not None and not operations.is_following(other)
        notification_operations.unsubscribe(Channel.EMAIL, "moved@example.org", "all")  # no follower update
        db.session.commit()
        assert operations.confirmed_followers(submission) == []


def test_confirming_again_after_an_unsubscribe_follows_again(app, client, report):
    client.post(f"/submissions/{report}/follow", data={"email": FOLLOWER})
    client.post(f"/follow/confirm/{confirmation_token(app)}")
    with app.app_context():
        notification_operations.unsubscribe(Channel.EMAIL, FOLLOWER, f"submission:{report}")
        db.session.commit()
    assert followers(app, report) == []
    client.post(f"/follow/confirm/{confirmation_token(app)}")
    assert followers(app, report) == ["neighbour@example.org"]


def test_a_confirmed_follower_gets_the_public_updates(app, client, report, staff):
    client.post(f"/submissions/{report}/follow", data={"email": FOLLOWER})
    client.post(f"/follow/confirm/{confirmation_token(app)}")
    with app.test_request_context():
        workflow.post_update(db.session.get(Submission, report), user(staff["triager"].email),
                             "The bench will be replaced on Monday.")
        db.session.commit()
        rows = [row for row in outbox_rows() if row.recipient == "neighbour@example.org"]
        assert [row.kind for row in rows] == ["follow_confirm", "follower_update"]
        assert "replaced on Monday" in rows[1].body_text
