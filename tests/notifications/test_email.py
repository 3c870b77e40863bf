"""E-mail through a real SMTP server: both parts and headers, retries when it is down, bad credentials."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from gwangju_civic.extensions import db
from gwangju_civic.jobs import kinds
from gwangju_civic.models import Channel, DeliveryState, Notification, Submission, utcnow
from gwangju_civic.notifications import delivery, outbox
from tests.notifications.conftest import SMTP_PASSWORD, SMTP_USER, run_queued_jobs


def receipt(code: str, key: str = "receipt") -> int:
    """Enqueue a Korean receipt for the submission with `code` and commit, as the trigger does on filing."""
    submission = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
    notification = outbox.enqueue(
        channel=Channel.EMAIL, recipient="Resident@Example.org", kind="receipt", language="ko",
        subject=f"접수되었습니다 ({code})", text=f"신고가 접수되었습니다.\n\n추적 코드: {code}",
        html=f"<p>신고가 접수되었습니다.</p><p>추적 코드: <strong>{code}</strong></p>",
        key=f"{key}:{submission.id}", submission=submission, unsubscribe_scope=f"submission:{submission.id}")
    db.session.commit()
    assert notification is not None
    return notification.id


def smtp_config(port: int, **extra) -> dict:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_DEFAULT_SENDER": "광주 <no-reply@civic.example>",
            "PUBLIC_URL": "https://civic.example", "MAIL_TIMEOUT": 5, **extra}


@pytest.fixture
def smtp_app(app, smtp_port):
    app.config.update(smtp_config(smtp_port))
    return app


def test_a_receipt_is_delivered_once_with_text_html_and_unsubscribe_headers(smtp_app, smtp, make_submission):
    smtp.start()
    code = make_submission()  # no contact on the form: only the message this test writes
    with smtp_app.app_context():
        notification_id = receipt(code)
        assert run_queued_jobs() == ["sent"]
        assert run_queued_jobs() == [] and delivery.deliver(notification_id) == "skipped"  # never twice
        row = db.session.get_one(Notification, notification_id)
        assert (row.state, row.attempts, row.last_error) == (DeliveryState.SENT, 1, None) and row.sent_at
    [message] = smtp.inbox.messages
    assert smtp.inbox.recipients == [["resident@example.org"]]
    assert message["Subject"] == f"접수되었습니다 ({code})"
    assert message["List-Unsubscribe"].strip().startswith("<https://civic.example/unsubscribe/")  # may be folded
    assert "mailto" not in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"].endswith("@civic.example>")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert code in text and "https://civic.example/unsubscribe/" in text
    assert f"<strong>{code}</strong>" in html and "unsubscribe/" in html


def test_the_message_id_is_the_same_for_every_attempt(smtp_app, smtp, make_submission):
    from gwangju_civic.notifications.email import build

    code = make_submission()
    with smtp_app.app_context():
        row = db.session.get_one(Notification, receipt(code))
        assert build(row).message()["Message-ID"] == build(row).message()["Message-ID"]


def test_smtp_down_when_filed_then_up_delivers_exactly_once(smtp_app, smtp, make_submission):
    code = make_submission()
    with smtp_app.app_context():
        notification_id = receipt(code)
        [outcome] = run_queued_jobs()  # nobody listens on the port yet
        assert outcome.startswith("retry in 30 s")
        row = db.session.get_one(Notification, notification_id)
        assert row.state == DeliveryState.QUEUED and row.attempts == 1 and "Connection refused" in row.last_error
        first_retry = row.next_attempt_at - utcnow()
        assert timedelta(seconds=25) < first_retry <= timedelta(seconds=30)
        assert run_queued_jobs() == ["skipped"]  # the retry's job fired early: not due yet, nothing sent
        smtp.start()
        db.session.execute(update(Notification).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert "notify" in kinds.submit_pending_work()  # the scheduler's minute scan finds it
        db.session.commit()
        assert "1 sent" in run_queued_jobs()
        assert "notify" not in kinds.submit_pending_work()
        row = db.session.get_one(Notification, notification_id)
        assert (row.state, row.attempts, row.last_error) == (DeliveryState.SENT, 2, None)
    assert len(smtp.inbox.messages) == 1


def test_retries_back_off_from_30_seconds_doubling_to_a_day(app):
    with app.app_context():
        assert [delivery.backoff(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
        assert delivery.backoff(20) == 24 * 3600


def test_wrong_credentials_fail_after_retries_and_staff_see_the_error(app, smtp_with_auth, smtp_port,
                                                                      make_submission, auth):
    app.config.update(smtp_config(smtp_port, MAIL_USERNAME=SMTP_USER, MAIL_PASSWORD="wrong", NOTIFY_MAX_ATTEMPTS=3))
    code = make_submission()
    with app.app_context():
        notification_id = receipt(code)
        for _ in range(3):
            db.session.execute(update(Notification).values(next_attempt_at=utcnow()))
            db.session.commit()
            delivery.deliver(notification_id)
        row = db.session.get_one(Notification, notification_id)
        assert row.state == DeliveryState.FAILED and row.attempts == 3 and "535" in row.last_error
        assert not delivery.notifications_due()
        submission_id = row.submission_id
    assert smtp_with_auth.inbox.messages == []
    auth.login("triager")
    page = auth._client.get(f"/admin/submissions/{submission_id}").get_data(as_text=True)
    assert 'id="messages"' in page and "r***@example.org" in page and "resident@example.org" not in page.split(
        'id="messages"')[1]
    assert "failed" in page and "535" in page


def test_right_credentials_are_used(app, smtp_with_auth, smtp_port, make_submission):
    app.config.update(smtp_config(smtp_port, MAIL_USERNAME=SMTP_USER, MAIL_PASSWORD=SMTP_PASSWORD))
    code = make_submission()
    with app.app_context():
        assert delivery.deliver(receipt(code)) == "sent"
    assert len(smtp_with_auth.inbox.messages) == 1


def test_a_worker_killed_mid_send_is_retried_but_a_sent_row_is_never_sent_again(smtp_app, smtp, make_submission):
    smtp.start()
    code = make_submission()
    with smtp_app.app_context():
        notification_id = receipt(code)
        assert delivery.claim(notification_id) is not None  # a worker took it ... and was killed
        assert delivery.claim(notification_id) is None  # its lease holds: no second worker sends it
        assert not delivery.notifications_due()
        db.session.execute(update(Notification).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()  # the lease lapsed
        assert delivery.notifications_due()
        assert delivery.deliver_due() == {"sent": 1}
        assert db.session.get_one(Notification, notification_id).attempts == 2
        run_queued_jobs()  # the original job message, delivered late
        db.session.execute(update(Notification).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert delivery.deliver(notification_id) == "skipped" and delivery.deliver_due() == {}
    assert len(smtp.inbox.messages) == 1


def test_without_mail_server_messages_become_eml_files_admins_can_read(app, make_submission, auth, tmp_path):
    app.config.update(NOTIFICATION_FOLDER=str(tmp_path / "mail"))
    code = make_submission()
    with app.app_context():
        assert app.config["MAIL_SERVER"] is None
        receipt(code)
        assert run_queued_jobs() == ["sent"]
    [eml] = (tmp_path / "mail" / "outbox").iterdir()
    assert eml.name.endswith("-receipt.eml") and b"List-Unsubscribe-Post" in eml.read_bytes()
    auth.login("officer")
    assert auth._client.get("/admin/mail").status_code == 403
    auth.logout()
    auth.login("admin")
    listing = auth._client.get("/admin/mail").get_data(as_text=True)
    assert eml.name in listing
    page = auth._client.get(f"/admin/mail/email/{eml.name}")
    assert page.status_code == 200 and code in page.get_data(as_text=True)
    assert auth._client.get("/admin/mail/email/..%2Fsecret_key").status_code == 404
    assert auth._client.get("/admin/mail/other/x.eml").status_code == 404
