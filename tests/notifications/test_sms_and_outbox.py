"""SMS through a real local HTTP gateway (90-byte EUC-KR rule), and the outbox's dedupe, opt-outs, rollback."""
from datetime import timedelta

from sqlalchemy import func, select, update

from gwangju_civic.extensions import db
from gwangju_civic.models import Channel, DeliveryState, JobRun, Notification, Suppression, utcnow
from gwangju_civic.notifications import delivery, outbox
from gwangju_civic.notifications.operations import unsubscribe
from gwangju_civic.notifications.sms import euc_kr_bytes, fit
from tests.notifications.conftest import run_queued_jobs

SHORT = "[광주] 신고 GJ-AB12-CD34 접수. https://g.kr/t/GJ-AB12-CD34"  # fits 90 EUC-KR bytes
LONG = "[광주시민] 신고하신 가로등 고장 건이 해결되었습니다. 확인해 주세요: " + "https://civic.example/track/GJ-AB12-CD34"


def text_message(text: str, key: str) -> int:
    notification = outbox.enqueue(channel=Channel.SMS, recipient="010-1234-5678", kind="receipt", language="ko",
                                  subject="신고 해결 안내", text=text, key=key)
    db.session.commit()
    assert notification is not None
    return notification.id


def test_the_90_byte_euc_kr_rule_picks_sms_or_lms(app, gateway):
    app.config.update(SMS_GATEWAY_URL=gateway.url, SMS_GATEWAY_TOKEN="gw-token", SMS_SENDER="0621234567")
    assert euc_kr_bytes(SHORT) <= 90 < euc_kr_bytes(LONG) and euc_kr_bytes("가") == 2
    with app.app_context():
        text_message(SHORT, "sms:short")
        text_message(LONG, "sms:long")
        assert run_queued_jobs() == ["sent", "sent"]
    (short_headers, short), (long_headers, long) = gateway.received
    assert short_headers["Authorization"] == "Bearer gw-token" and short_headers["Idempotency-Key"] == "sms:short"
    assert short == {"id": "sms:short", "to": "01012345678", "from": "0621234567", "language": "ko",
                     "type": "SMS", "text": SHORT, "bytes": euc_kr_bytes(SHORT)}
    assert long["type"] == "LMS" and long["text"] == LONG and long["subject"] == "신고 해결 안내"


def test_a_text_beyond_an_lms_is_cut_at_a_character_with_an_ellipsis():
    cut = fit("가" * 1500, 2000)
    assert euc_kr_bytes(cut) <= 2000 and cut.endswith("…") and set(cut[:-1]) == {"가"}


def test_gateway_down_is_retried_then_delivered_once(app, gateway):
    app.config.update(SMS_GATEWAY_URL=gateway.url)
    gateway.status = 503
    with app.app_context():
        notification_id = text_message(SHORT, "sms:retry")
        [outcome] = run_queued_jobs()
        row = db.session.get_one(Notification, notification_id)
        assert outcome.startswith("retry in 30 s") and "HTTP 503" in row.last_error
        gateway.status = 200
        db.session.execute(update(Notification).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert delivery.deliver_due() == {"sent": 1} and delivery.deliver_due() == {}
    assert len(gateway.received) == 1


def test_without_a_gateway_text_messages_are_kept_as_files(app, tmp_path):
    app.config.update(NOTIFICATION_FOLDER=str(tmp_path / "mail"))
    with app.app_context():
        text_message(SHORT, "sms:file")
        assert run_queued_jobs() == ["sent"]
    [kept] = (tmp_path / "mail" / "sms").iterdir()
    assert '"type": "SMS"' in kept.read_text()


def test_the_same_key_is_written_once_and_a_rollback_writes_nothing(app):
    with app.app_context():
        first = text_message(SHORT, "sms:once")
        assert outbox.enqueue(channel=Channel.SMS, recipient="01012345678", kind="receipt", language="ko",
                              subject="", text=SHORT, key="sms:once") is None
        outbox.enqueue(channel=Channel.EMAIL, recipient="a@example.org", kind="receipt", language="ko",
                       subject="s", text="t", key="rolled-back")
        db.session.rollback()
        assert db.session.scalars(select(Notification.id)).all() == [first]
        assert db.session.scalar(select(func.count()).select_from(JobRun).where(JobRun.kind == "notify")) == 1


def test_an_unsubscribed_recipient_gets_nothing_more_in_that_scope(app):
    with app.app_context():
        def write(scope: str | None, key: str):
            return outbox.enqueue(channel=Channel.EMAIL, recipient="Someone@Example.org", kind="update",
                                  language="ko", subject="s", text="t", key=key, unsubscribe_scope=scope)

        queued = write("submission:7", "before")
        unsubscribe(Channel.EMAIL, "someone@example.org", "submission:7")
        db.session.commit()
        assert db.session.get_one(Notification, queued.id).state == DeliveryState.FAILED  # not sent after all
        assert write("submission:7", "after") is None
        assert write("submission:8", "other report") is not None
        assert write(None, "confirmation") is not None  # no link, no scope: a message they asked for
        unsubscribe(Channel.EMAIL, "someone@example.org", outbox.ALL)
        unsubscribe(Channel.EMAIL, "someone@example.org", outbox.ALL)  # again: harmless
        db.session.commit()
        assert write("submission:9", "after all") is None
        assert db.session.scalar(select(func.count()).select_from(Suppression)) == 2
