"""Staff alerts: assignment e-mails to the assignee, routing e-mails to the department, never to a deactivated account."""
from gwangju_civic.admin import lookups
from gwangju_civic.extensions import db
from gwangju_civic.following.alerts import JOB_KIND as STAFF_ALERTS
from gwangju_civic.models import Category, Department, PlanPriority, Role, Submission, Urgency, User
from gwangju_civic.submissions import workflow
from tests.following.conftest import outbox_rows, user
from tests.notifications.conftest import run_queued_jobs
from tests.staff import PASSWORD

ROADS = "roads.officer@gwangju-civic.example"


def add_officer(email: str, department: str, active: bool = True) -> User:
    officer = User(email=email, name=email.split("@")[0], role=Role.OFFICER, active=active,
                   department=lookups.by_code(Department, department))
    officer.set_password(PASSWORD)
    db.session.add(officer)
    db.session.commit()
    return officer


def routed_to_roads(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    submission.department = lookups.by_code(Department, "roads")
    db.session.commit()
    return submission


def test_assignment_mails_the_assignee_in_korean_with_a_staff_link(app, staff, report):
    with app.test_request_context():
        submission = routed_to_roads(report)
        workflow.assign(submission, user(staff["triager"].email), user(ROADS))
        db.session.commit()
        assert outbox_rows("staff_assigned") == []  # composed by the worker, not in the staff member's request
        assert run_queued_jobs(STAFF_ALERTS) == ["1 written"]
        [row] = outbox_rows("staff_assigned")
        assert row.recipient == ROADS and row.language == "ko" and row.user_id == user(ROADS).id
        assert submission.tracking_code in row.subject and f"/admin/submissions/{report}" in row.body_text
        assert row.unsubscribe_scope is None and row.event_id is not None
        assert "filer@example.org" not in row.body_text + (row.body_html or "")  # no resident contact data
        assert "배정" in row.subject


def test_assigning_to_oneself_sends_nothing(app, staff, report):
    with app.test_request_context():
        officer = user(ROADS)
        workflow.assign(routed_to_roads(report), officer, officer)
        db.session.commit()
        run_queued_jobs(STAFF_ALERTS)
        assert outbox_rows("staff_assigned") == []


def test_no_mail_to_a_deactivated_assignee_the_department_hears_instead(app, staff, report):
    with app.test_request_context():
        gone = add_officer("retired.officer@gwangju-civic.example", "roads", active=False)
        workflow.assign(routed_to_roads(report), user(staff["triager"].email), gone)
        db.session.commit()
        run_queued_jobs(STAFF_ALERTS)
        rows = outbox_rows()
        assert "retired.officer@gwangju-civic.example" not in {row.recipient for row in rows}
        assert [row.recipient for row in outbox_rows("staff_routed")] == [ROADS]


def test_routing_mails_the_departments_active_officers(app, staff, report):
    with app.test_request_context():
        add_officer("second.roads@gwangju-civic.example", "roads")
        add_officer("former.roads@gwangju-civic.example", "roads", active=False)
        submission = db.session.get(Submission, report)
        workflow.decide_routing(submission, user(staff["triager"].email),
                                category=lookups.by_code(Category, "pothole"),
                                department=lookups.by_code(Department, "roads"),
                                plan_priority=lookups.by_code(PlanPriority, "PP17"), urgency=Urgency.P1)
        db.session.commit()
        run_queued_jobs(STAFF_ALERTS)
        rows = outbox_rows("staff_routed")
        assert sorted(row.recipient for row in rows) == [ROADS, "second.roads@gwangju-civic.example"]
        # admins, triagers and other departments' officers are not told
        assert not {staff["admin"].email, staff["triager"].email, staff["other_officer"].email} & \
            {row.recipient for row in outbox_rows()}
        # the same event looked at again (a job run twice) sends nothing twice
        from gwangju_civic.following.alerts import write_staff_messages

        assert sum(write_staff_messages(event) for event in submission.events) == 0
        db.session.commit()
        assert len(outbox_rows("staff_routed")) == 2


def test_a_department_without_active_officers_gets_it_at_its_shared_address(app, staff, report):
    with app.test_request_context():
        submission = db.session.get(Submission, report)
        parks = lookups.by_code(Department, "parks")
        assert user(staff["other_officer"].email).department_id == parks.id  # its only officer, deactivated next
        user(staff["other_officer"].email).active = False
        db.session.commit()
        workflow.decide_routing(submission, user(staff["triager"].email),
                                category=lookups.by_code(Category, "pothole"), department=parks,
                                plan_priority=lookups.by_code(PlanPriority, "PP17"), urgency=Urgency.P3)
        db.session.commit()
        run_queued_jobs(STAFF_ALERTS)
        assert [row.recipient for row in outbox_rows("staff_routed")] == [parks.email.lower()]


def test_alerts_use_the_language_the_officer_last_signed_in_with(app, client, staff, report):
    with app.app_context():
        add_officer("fr.officer@gwangju-civic.example", "roads")
    client.set_cookie("lang", "fr")
    assert client.post("/admin/login", data={"email": "fr.officer@gwangju-civic.example",
                                             "password": PASSWORD}).status_code == 302
    with app.test_request_context():
        assert user("fr.officer@gwangju-civic.example").language == "fr"
        workflow.assign(routed_to_roads(report), user(staff["triager"].email), user("fr.officer@gwangju-civic.example"))
        db.session.commit()
        run_queued_jobs(STAFF_ALERTS)
        [row] = outbox_rows("staff_assigned")
        assert row.language == "fr" and "배정" not in row.subject
