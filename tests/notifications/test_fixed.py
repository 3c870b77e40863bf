"""'Is it fixed?': the resolution message's signed links close or reopen the report, once, for 30 days."""
import re
import time
from datetime import timedelta

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Notification, Status, Submission
from gwangju_civic.notifications.tokens import make_token
from gwangju_civic.submissions.workflow import REOPEN_WINDOW, move
from tests.notifications.test_messages import PUBLIC, file_report, outbox_rows, submission_id
from tests.submissions.conftest import in_english, staff_user

pytestmark = pytest.mark.app_config(PUBLIC_URL=PUBLIC)
LINK = re.compile(re.escape(PUBLIC) + r"(/fixed/[A-Za-z0-9_.\-]+/(?:yes|no))")


@pytest.fixture(autouse=True)
def message_folder(app, tmp_path):
    app.config["NOTIFICATION_FOLDER"] = str(tmp_path / "mail")


def resolve(app, staff, number: int, note: str = "The lamp was replaced.") -> None:
    with in_english(app):
        admin = staff_user(staff["admin"])
        submission = db.session.get_one(Submission, number)
        if submission.status == Status.NEEDS_TRIAGE:
            move(submission, Status.ROUTED, admin)
        move(submission, Status.RESOLVED, admin, reason=note)
        db.session.commit()


def links(row: Notification) -> dict[str, str]:
    """The yes and no links of a resolution message, as paths the test client can open."""
    found = {path.rsplit("/", 1)[1]: path for path in LINK.findall(row.body_text)}
    assert set(found) == {"yes", "no"}
    assert all(f'href="{PUBLIC}{path}"' in (row.body_html or "") for path in found.values())
    return found


def status_of(app, number: int) -> Status:
    with app.app_context():
        return db.session.get_one(Submission, number).status


@pytest.fixture
def resolved(app, client, staff) -> tuple[int, dict[str, str]]:
    """A Korean report with an e-mail and a phone, resolved by staff; returns its id and the message's links."""
    code = file_report(client, contact_email="resident@example.org", contact_phone="010-1234-5678")
    number = submission_id(app, code)
    resolve(app, staff, number)
    email, sms = outbox_rows(app, kind="fixed")
    assert "문제가 해결되었나요?" in email.body_text and "The lamp was replaced." in email.body_text
    assert code in sms.body_text and f"{PUBLIC}/track/{code}" in sms.body_text  # SMS: code and short link
    return number, links(email)


def test_yes_asks_to_confirm_then_closes_and_a_second_click_says_it_is_done(app, client, resolved):
    number, link = resolved
    page = client.get(link["yes"])
    assert page.status_code == 200 and "문제가 해결되었나요?" in page.text and 'method="post"' in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert status_of(app, number) == Status.RESOLVED  # opening the link changes nothing (mail scanners open links)
    answer = client.post(link["yes"])
    assert answer.status_code == 200 and "민원이 종결되었습니다" in answer.text
    assert status_of(app, number) == Status.CLOSED
    for again in (client.get(link["yes"]), client.post(link["yes"]), client.post(link["no"])):
        assert again.status_code == 200 and "이미 사용된 링크입니다" in again.text
    assert status_of(app, number) == Status.CLOSED
    assert [row.kind for row in outbox_rows(app, recipient="resident@example.org")] == ["receipt", "status", "fixed"]


def test_no_reopens_with_the_residents_comment_once(app, client, resolved):
    number, link = resolved
    client.set_cookie("lang", "en")
    assert "What is still wrong? (optional)" in client.get(link["no"]).text
    answer = client.post(link["no"], data={"comment": "Still dark at night."})
    assert answer.status_code == 200 and "Your report is open again" in answer.text
    with app.app_context():
        submission = db.session.get_one(Submission, number)
        assert submission.status == Status.IN_PROGRESS and submission.resolved_at is None
        assert (submission.events[-1].actor, submission.events[-1].message) == ("citizen", "Still dark at night.")
    assert "This link was already used" in client.post(link["no"], data={"comment": "again"}).text
    with app.app_context():
        assert db.session.get_one(Submission, number).events[-1].message == "Still dark at night."


def test_no_without_a_comment_reopens_all_the_same(app, client, resolved):
    number, link = resolved
    client.set_cookie("lang", "fr")  # the note for staff is in the city's language all the same
    assert client.post(link["no"], data={"comment": ""}).status_code == 200
    with app.app_context():
        submission = db.session.get_one(Submission, number)
        assert submission.status == Status.IN_PROGRESS
        assert submission.events[-1].message == "민원인이 문제가 아직 해결되지 않았다고 답했습니다."


def test_a_tampered_or_foreign_token_is_refused_with_a_clear_page(app, client, resolved):
    number, link = resolved
    client.set_cookie("lang", "en")
    token = link["yes"].split("/")[2]
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    with app.app_context():
        foreign = make_token("unsubscribe", s=number, e=1)  # a real token, made for another link
    for path in (f"/fixed/{tampered}/yes", f"/fixed/{foreign}/no", "/fixed/not-a-token/yes"):
        for response in (client.get(path), client.post(path)):
            assert response.status_code == 400 and "This link is not valid" in response.text
    assert status_of(app, number) == Status.RESOLVED


def test_a_token_older_than_the_reopen_window_is_refused_as_expired(app, client, resolved):
    number, link = resolved
    client.set_cookie("lang", "en")

    class Signed31DaysAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - (REOPEN_WINDOW + timedelta(days=1)).total_seconds())

    with app.app_context():
        event_id = db.session.scalar(select(Notification.event_id).where(Notification.kind == "fixed").limit(1))
        old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="gwangju_civic.fixed",
                                     signer=Signed31DaysAgo).dumps({"s": number, "e": event_id})
    for response in (client.get(f"/fixed/{old}/no"), client.post(f"/fixed/{old}/no", data={"comment": "x"})):
        assert response.status_code == 410 and "This link has expired" in response.text
    assert status_of(app, number) == Status.RESOLVED


def test_the_link_of_an_earlier_resolution_is_done_once_the_report_is_resolved_again(app, client, staff, resolved):
    number, first = resolved
    assert client.post(first["no"], data={"comment": "Still broken."}).status_code == 200
    resolve(app, staff, number, note="Replaced again.")
    second = links(outbox_rows(app, kind="fixed", recipient="resident@example.org")[-1])
    assert second != first
    assert "이미 사용된 링크입니다" in client.post(first["yes"]).text
    assert status_of(app, number) == Status.RESOLVED
    assert "민원이 종결되었습니다" in client.post(second["yes"]).text
    assert status_of(app, number) == Status.CLOSED


def test_the_answer_forms_are_protected_against_cross_site_posts(app, client, resolved):
    number, link = resolved
    app.config["WTF_CSRF_ENABLED"] = True  # after filing: the test client's report form carries no token
    assert client.post(link["yes"]).status_code == 400
    assert status_of(app, number) == Status.RESOLVED
    page = client.get(link["yes"]).text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert csrf is not None
    assert client.post(link["yes"], data={"csrf_token": csrf.group(1)}).status_code == 200
    assert status_of(app, number) == Status.CLOSED


def test_followers_hear_the_residents_answer_the_resident_is_not_told_what_they_did(app, client, resolved):
    from gwangju_civic.following.operations import follow_confirmed

    number, link = resolved
    with app.app_context():
        follow_confirmed(db.session.get_one(Submission, number), "neighbour@example.org", "fr")
        db.session.commit()
    client.post(link["yes"])
    [closed] = outbox_rows(app, recipient="neighbour@example.org")
    assert (closed.kind, closed.language) == ("follower_status", "fr")
    assert "Clôturé" in closed.body_text and f"{PUBLIC}/submissions/{number}" in closed.body_text
    assert [row.kind for row in outbox_rows(app, recipient="resident@example.org")] == ["receipt", "status", "fixed"]
