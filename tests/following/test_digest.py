"""The 09:00 digest: per department, overdue vs due soon, other departments' and finished ones absent, once a day."""
from datetime import UTC, date, datetime, timedelta

from flask_babel import force_locale, gettext
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.following import digest
from gwangju_civic.jobs import runs
from gwangju_civic.models import Department, JobRun, JobState, Status, utcnow
from tests.following.conftest import outbox_rows, user

ROADS, PARKS = "roads.officer@gwangju-civic.example", "parks.officer@gwangju-civic.example"
DAY = date(2025, 3, 14)


def department(code: str) -> Department:
    return db.session.scalars(select(Department).where(Department.code == code)).one()


def test_each_department_reads_its_own_overdue_and_due_soon(app, staff, department_report):
    now = utcnow()
    department_report("roads", now - timedelta(hours=5), title="Overdue pothole on Baekseo-ro")
    department_report("roads", now + timedelta(hours=3), Status.ASSIGNED, title="Soon: sinkhole on Jebong-ro")
    department_report("roads", now + timedelta(days=3), title="Later: faded lane on Sangmu-daero")
    department_report("roads", now - timedelta(days=2), Status.RESOLVED, title="Resolved crack on Gwangsan-ro")
    department_report("parks", now - timedelta(hours=1), title="Overdue fallen tree in Jungoe Park")
    with app.app_context():
        assert digest.send(department("roads"), DAY) == 1
        assert digest.send(department("parks"), DAY) == 1
        assert digest.send(department("water"), DAY) == 0  # nothing due: no e-mail
        db.session.commit()
        rows = {row.recipient: row for row in outbox_rows("digest")}
        assert set(rows) == {ROADS, PARKS}  # admins and triagers get none
        roads = rows[ROADS]
        with force_locale("ko"):  # the due-soon heading: "24" alone may also be in a tracking code or a time
            soon_heading = gettext("Due in the next 24 hours (%(n)s)", n=1)
        overdue_part, soon_part = roads.body_text.split(soon_heading)
        assert "Overdue pothole on Baekseo-ro" in overdue_part and "Soon: sinkhole" not in overdue_part
        assert "Soon: sinkhole on Jebong-ro" in soon_part
        for absent in ("Later: faded lane", "Resolved crack", "fallen tree"):
            assert absent not in roads.body_text and absent not in (roads.body_html or "")
        assert "/admin/submissions/" in roads.body_text and roads.language == "ko" and "기한 초과 1건" in roads.subject
        assert roads.idempotency_key == f"digest:roads:{DAY.isoformat()}:user:{user(ROADS).id}"
        assert "fallen tree" in rows[PARKS].body_text and "pothole" not in rows[PARKS].body_text


def test_deactivated_officers_get_no_digest(app, staff, department_report):
    department_report("roads", utcnow() - timedelta(hours=1))
    with app.app_context():
        user(ROADS).active = False
        db.session.commit()
        digest.send(department("roads"), DAY)
        db.session.commit()
        assert [row.recipient for row in outbox_rows("digest")] == [department("roads").email.lower()]


def test_the_digest_is_sent_once_a_day_through_the_job(app, staff, department_report):
    department_report("roads", utcnow() - timedelta(hours=1))
    with app.app_context():
        assert digest.schedule(DAY) == len(db.session.scalars(select(Department)).all())
        db.session.commit()
        assert digest.schedule(DAY) == 0  # the scheduler firing twice queues nothing new
        run_id = db.session.scalar(select(JobRun.id).where(JobRun.key == f"digest:roads:{DAY.isoformat()}"))
        runs.execute(run_id)
        assert db.session.get(JobRun, run_id).state == JobState.DONE
        again = runs.submit("digest", f"digest:roads:{DAY.isoformat()}", department="roads", day=DAY.isoformat())
        db.session.commit()
        runs.execute(again.id)  # a re-run of the same day (worker died after sending) sends nothing twice
        assert len(outbox_rows("digest")) == 1
        assert digest.send(department("roads"), DAY + timedelta(days=1)) == 1  # the next day is a new digest


def test_a_missed_morning_is_caught_up_after_nine_in_korea(app, staff):
    with app.app_context():
        before_nine = datetime(2025, 3, 13, 23, 59, tzinfo=UTC)  # 08:59 on the 14th in Seoul
        after_nine = datetime(2025, 3, 14, 0, 1, tzinfo=UTC)
        assert not digest.due(before_nine)
        assert digest.due(after_nine)
        digest.schedule(DAY)
        db.session.commit()
        assert not digest.due(after_nine)


def test_the_periodic_task_is_at_midnight_utc():
    from gwangju_civic.jobs.tasks import daily_digest

    task = daily_digest.s()
    assert task.validate_datetime(datetime(2025, 3, 14, 0, 0))  # Huey compares with UTC (utc=True)
    assert not task.validate_datetime(datetime(2025, 3, 14, 9, 0))
