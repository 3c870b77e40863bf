"""Residents hear back in their language: the receipt, public updates and status changes, merged duplicates."""
from pathlib import Path

import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.intake import spool
from gwangju_civic.intake.replay import replay_spool
from gwangju_civic.models import Channel, Follower, Notification, Submission
from gwangju_civic.notifications.sms import euc_kr_bytes
from tests.factories import form_data
from tests.notifications.conftest import run_queued_jobs
from tests.staff import PASSWORD

PUBLIC = "https://civic.example"
pytestmark = pytest.mark.app_config(PUBLIC_URL=PUBLIC)

REPORTS = {
    "ko": {},  # form_data's report is Korean
    "en": {"title": "Broken streetlight on my street",
           "description": "The street light near the bus stop is not working since Monday and it is very dark."},
    "fr": {"title": "Lampadaire en panne",
           "description": "Le lampadaire devant notre immeuble est éteint depuis lundi, la rue est très sombre."},
}
RECEIPT_WORDS = {"ko": "접수번호", "en": "Your tracking code", "fr": "Votre code de suivi"}


@pytest.fixture(autouse=True)
def message_folder(app, tmp_path):
    """Messages written as files (no MAIL_SERVER, no SMS gateway) stay in the test's folder."""
    app.config["NOTIFICATION_FOLDER"] = str(tmp_path / "mail")


def file_report(client, language: str = "ko", **fields) -> str:
    """A resident sends the form; returns the tracking code of the receipt page."""
    response = client.post("/report", data=form_data(**{**REPORTS[language], **fields}))
    assert response.status_code == 302, response.text
    return response.headers["Location"].rsplit("/", 1)[-1]


def outbox_rows(app, **where) -> list[Notification]:
    with app.app_context():
        query = select(Notification).order_by(Notification.id)
        for name, value in where.items():
            query = query.where(getattr(Notification, name) == value)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def submission_id(app, code: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(Submission.id).where(Submission.tracking_code == code))
        assert found is not None
        return found


def staff_client(app, staff, who: str = "triager"):
    client = app.test_client()
    client.set_cookie("lang", "en")
    assert client.post("/admin/login", data={"email": staff[who].email, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("language", ["ko", "en", "fr"])
def test_the_receipt_comes_in_the_language_of_the_report_with_the_code_and_its_link(app, client, language):
    code = file_report(client, language, contact_email="Resident@Example.org", contact_phone="010-1234-5678")
    email, sms = outbox_rows(app)
    link = f"{PUBLIC}/track/{code}"
    assert (email.kind, email.channel, email.recipient, email.language) == (
        "receipt", Channel.EMAIL, "resident@example.org", language)
    assert code in email.subject and "\n" not in email.subject
    assert RECEIPT_WORDS[language] in email.body_text and code in email.body_text and link in email.body_text
    assert f'href="{link}"' in email.body_html and code in email.body_html
    assert email.unsubscribe_scope == f"submission:{submission_id(app, code)}"
    assert (sms.kind, sms.channel, sms.recipient, sms.language) == ("receipt", Channel.SMS, "01012345678", language)
    assert code in sms.body_text and link in sms.body_text
    if language == "ko":
        assert euc_kr_bytes(sms.body_text) <= 90  # one Korean SMS, not an LMS


def test_the_korean_receipt_is_delivered_over_smtp_with_an_unsubscribe_header(app, client, smtp):
    smtp.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=5)
    code = file_report(client, contact_email="resident@example.org")
    with app.app_context():
        assert run_queued_jobs() == ["sent"]
    [message] = smtp.inbox.messages
    assert code in message["Subject"] and "광주 시민소통" in message["Subject"]
    assert message["List-Unsubscribe"].strip().startswith(f"<{PUBLIC}/unsubscribe/")
    text = message.get_body(("plain",)).get_content()
    assert "민원을 보내 주셔서 감사합니다" in text and f"{PUBLIC}/track/{code}" in text
    html = message.get_body(("html",)).get_content()
    assert html.index(f"{PUBLIC}/unsubscribe/") < html.lower().rindex("</body>")  # the footer inside the document


def test_a_public_update_reaches_the_resident_an_internal_note_does_not(app, client, staff):
    code = file_report(client, "en", contact_email="resident@example.org")
    number = submission_id(app, code)
    desk = staff_client(app, staff)
    desk.post(f"/admin/submissions/{number}/note",
              data={"note-message": "Contractor Kim is slow; his mobile is 010-5555-1234."})
    assert [row.kind for row in outbox_rows(app)] == ["receipt"]
    desk.post(f"/admin/submissions/{number}/update",
              data={"update-message": "A crew comes on Friday. Questions: 010-9876-5432."})
    desk.post(f"/admin/submissions/{number}/status", data={"status": "rejected", "reason": "Private land."})
    receipt, update, status = outbox_rows(app)
    assert (update.kind, update.recipient, update.language) == ("update", "resident@example.org", "en")
    assert "A crew comes on Friday" in update.body_text and code in update.body_text
    assert (status.kind, status.language) == ("status", "en")
    assert "Not accepted" in status.subject and "Private land." in status.body_text
    for row in (update, status):
        for text in (row.subject, row.body_text, row.body_html):
            assert "010-9876-5432" not in text  # public copies only: the phone in the update is masked
            assert "Contractor Kim" not in text and "010-5555-1234" not in text  # never an internal note
            assert staff["triager"].email not in text and "Triager" not in text  # never who did it


def test_an_anonymous_report_gets_nothing(app, client, staff):
    code = file_report(client, is_anonymous="y")
    number = submission_id(app, code)
    desk = staff_client(app, staff)
    desk.post(f"/admin/submissions/{number}/update", data={"update-message": "We are on it."})
    desk.post(f"/admin/submissions/{number}/status", data={"status": "rejected", "reason": "Private land."})
    assert outbox_rows(app) == []


def test_status_changes_are_translated_and_the_filing_steps_are_not_sent(app, client, staff):
    code = file_report(client, contact_phone="010-2222-3333")  # routing fails here: needs_triage, not sent
    number = submission_id(app, code)
    desk = staff_client(app, staff)
    desk.post(f"/admin/submissions/{number}/status", data={"status": "rejected", "reason": "사유"})
    receipt, status = outbox_rows(app)
    assert (status.kind, status.channel) == ("status", Channel.SMS)
    assert code in status.body_text and "불수용" in status.body_text and f"{PUBLIC}/track/{code}" in status.body_text


def test_a_merged_duplicate_tells_its_resident_where_it_went_and_moves_them_to_follow_it(app, client, staff):
    original_code = file_report(client, contact_email="first@example.org")
    duplicate_code = file_report(client, "en", contact_email="second@example.org", contact_phone="010-3333-4444")
    original, duplicate = submission_id(app, original_code), submission_id(app, duplicate_code)
    desk = staff_client(app, staff)
    desk.post(f"/admin/submissions/{duplicate}/duplicate", data={"original": original_code, "reason": "Same lamp"})
    email, sms = outbox_rows(app, kind="merged")
    assert (email.recipient, email.language, sms.recipient) == ("second@example.org", "en", "01033334444")
    for row in (email, sms):
        assert duplicate_code in row.body_text and f"#{original}" in row.body_text
        assert original_code not in row.subject + row.body_text + (row.body_html or "")  # the other's key
    assert f"{PUBLIC}/submissions/{original}" in email.body_text and "by e-mail" in email.body_text
    with app.app_context():
        follower = db.session.scalar(select(Follower).where(Follower.submission_id == original))
        assert follower is not None and (follower.email, follower.confirmed_at is not None) == (
            "second@example.org", True)
    desk.post(f"/admin/submissions/{original}/update", data={"update-message": "Repaired tonight."})
    [to_filer] = outbox_rows(app, kind="update")
    [to_follower] = outbox_rows(app, kind="follower_update")
    assert to_filer.recipient == "first@example.org" and original_code in to_filer.body_text
    assert (to_follower.recipient, to_follower.language) == ("second@example.org", "en")
    assert "Repaired tonight." in to_follower.body_text and f"{PUBLIC}/submissions/{original}" in to_follower.body_text
    assert original_code not in to_follower.subject + to_follower.body_text + (to_follower.body_html or "")
    assert "first@example.org" not in to_follower.body_text


def test_a_report_spooled_while_the_database_was_down_gets_its_receipt_when_filed(app, client, tmp_path):
    from gwangju_civic import create_app
    from tests.conftest import make_config
    from tests.intake.conftest import UNREACHABLE_DATABASE

    outage = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=UNREACHABLE_DATABASE))
    try:
        response = outage.test_client().post("/report", data=form_data(**REPORTS["fr"],
                                                                       contact_email="habitant@example.org"))
    finally:
        with outage.app_context():
            db.engine.dispose()
    assert response.status_code == 202
    [entry] = spool.spooled(Path(outage.config["SPOOL_FOLDER"]))
    assert outbox_rows(app) == []
    with app.app_context():  # the job worker: no request, so links come from PUBLIC_URL
        [replayed] = replay_spool(Path(outage.config["SPOOL_FOLDER"]))
    assert replayed.code == entry.name and replayed.outcome == "filed"
    [receipt] = outbox_rows(app)
    assert (receipt.kind, receipt.language, receipt.recipient) == ("receipt", "fr", "habitant@example.org")
    assert entry.name in receipt.body_text and f"{PUBLIC}/track/{entry.name}" in receipt.body_text
    with app.app_context():
        assert run_queued_jobs() == ["sent"]
    [written] = (tmp_path / "mail" / "outbox").glob("*.eml")
    assert entry.name in written.read_text(errors="replace")


def test_a_hostile_title_is_escaped_in_html_and_kept_on_one_line_in_the_subject(app, client, staff):
    code = file_report(client, "en", title='<script>alert(1)</script> lamp', contact_email="r@example.org")
    number = submission_id(app, code)
    staff_client(app, staff).post(f"/admin/submissions/{number}/status",
                                  data={"status": "rejected", "reason": "<b>no</b>\r\nBcc: x@evil.example"})
    receipt, status = outbox_rows(app)
    for row in (receipt, status):
        assert "<script>" not in (row.body_html or "") and "&lt;script&gt;" in (row.body_html or "")
        assert "\n" not in row.subject and "\r" not in row.subject
    assert "&lt;b&gt;no&lt;/b&gt;" in (status.body_html or "")


def test_followers_of_a_merged_duplicate_are_told_and_moved_to_the_original(app, client, staff):
    from gwangju_civic.following.operations import follow_confirmed

    original_code = file_report(client, "en", title="Dark street near the market")
    duplicate_code = file_report(client)
    original, duplicate = submission_id(app, original_code), submission_id(app, duplicate_code)
    with app.app_context():
        follow_confirmed(db.session.get_one(Submission, duplicate), "neighbour@example.org", "fr")
        db.session.commit()
    staff_client(app, staff).post(f"/admin/submissions/{duplicate}/duplicate",
                                  data={"original": original_code, "reason": "Same street"})
    [moved] = outbox_rows(app, recipient="neighbour@example.org")
    assert (moved.kind, moved.language) == ("follower_merged", "fr")
    assert f"n° {duplicate}" in moved.body_text and f"{PUBLIC}/submissions/{original}" in moved.body_text
    assert duplicate_code not in moved.body_text and original_code not in moved.body_text
    with app.app_context():
        assert db.session.scalar(select(Follower.email).where(Follower.submission_id == original)) == \
            "neighbour@example.org"


def test_looking_at_an_event_twice_writes_its_messages_once(app, client):
    from gwangju_civic.following.triggers import notify
    from gwangju_civic.models import SubmissionEvent

    file_report(client, contact_email="resident@example.org", contact_phone="010-1234-5678")
    with app.test_request_context():
        created = db.session.scalar(select(SubmissionEvent).where(SubmissionEvent.action == "created"))
        notify(created)  # a replayed event, or a second process looking at it
        db.session.commit()
    assert [(row.kind, row.channel) for row in outbox_rows(app)] == [("receipt", Channel.EMAIL),
                                                                     ("receipt", Channel.SMS)]
