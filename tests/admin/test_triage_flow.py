"""The whole triage flow through the admin pages, as staff and citizens would use them."""
import re
from datetime import timedelta

from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import RoutingCorrection, Status, Submission, User
from gwangju_civic.routing.training import training_examples


def submission(app, submission_id: int) -> Submission:
    return db.session.get(Submission, submission_id)


def flash_of(response_page: str) -> list[str]:
    return re.findall(r'class="flash flash-(?:success|error)" role="status">([^<]+)<', response_page)


def test_correct_assign_work_resolve_and_the_citizen_sees_it(app, client, auth, roads_submission):
    auth.login("triager")
    detail_url = f"/admin/submissions/{roads_submission}"
    page = client.get(detail_url)
    assert "Deep pothole on Mudeung-ro" in page.text and "resident@example.org" in page.text

    response = client.post(f"{detail_url}/routing", data={"category": "road_obstruction", "department": "roads",
                                                          "plan_priority": "PP17", "urgency": "P1"},
                           follow_redirects=True)
    assert "Routing saved." in flash_of(response.text)
    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == "roads.officer@gwangju-civic.example"))
        officer_id = officer.id
        stored = submission(app, roads_submission)
        assert stored.status == Status.ROUTED and stored.category.code == "road_obstruction"
        assert stored.due_at - stored.created_at == timedelta(hours=24)
        correction = db.session.scalar(select(RoutingCorrection))
        assert correction.category.code == "road_obstruction" and correction.corrected_by.startswith("triager:")
        learned = [e for e in training_examples() if e.weight > 1]
        assert [(e.category, e.urgency) for e in learned] == [("road_obstruction", "P1")]
        assert "Deep pothole on Mudeung-ro" in learned[0].text

    client.post(f"{detail_url}/assign", data={"officer": str(officer_id)})
    auth.logout()
    auth.login("officer")
    assert "Deep pothole on Mudeung-ro" in client.get("/admin/queue", query_string={"status": "assigned"}).text
    client.post(f"{detail_url}/status", data={"status": "in_progress"})
    client.post(f"{detail_url}/update", data={"update-message": "Crew scheduled for Tuesday."})
    client.post(f"{detail_url}/note", data={"note-message": "Asphalt ordered from depot 3."})
    client.post(f"{detail_url}/status", data={"status": "resolved", "reason": "Pothole filled."})

    with app.app_context():
        stored = submission(app, roads_submission)
        assert stored.status == Status.RESOLVED and stored.resolved_at and stored.first_response_at
        assert stored.assignee.email == "roads.officer@gwangju-civic.example"
        code = stored.tracking_code
        actions = [(e.action, e.field, e.new_value) for e in stored.events]
        assert ("field_changed", "assignee", "roads.officer@gwangju-civic.example") in actions
        assert ("status_changed", "status", "resolved") in actions
        assert all(e.user_id for e in stored.events if e.actor.startswith(("officer:", "triager:")))

    audit = client.get(detail_url).text
    assert "Asphalt ordered from depot 3." in audit and "routed" in audit
    tracking = client.get(f"/track/{code}").text
    assert "Resolved" in tracking and "Crew scheduled for Tuesday." in tracking and "Pothole filled." in tracking
    assert "Asphalt ordered" not in tracking and "resident@example.org" not in tracking

    reopened = client.post(f"/track/{code}/reopen", data={"reason": "Still a hole after the rain."},
                           follow_redirects=True)
    assert "Your report is open again." in reopened.text
    with app.app_context():
        assert submission(app, roads_submission).status == Status.IN_PROGRESS


def test_reopening_needs_a_resolved_submission_within_30_days(app, client, auth, roads_submission):
    auth.login("admin")
    url = f"/admin/submissions/{roads_submission}"
    client.post(f"{url}/status", data={"status": "routed"})
    client.post(f"{url}/status", data={"status": "resolved", "reason": "Done."})
    with app.app_context():
        stored = submission(app, roads_submission)
        stored.resolved_at -= timedelta(days=31)
        db.session.commit()
        code = stored.tracking_code
    assert "Reopen my report" not in client.get(f"/track/{code}").text
    assert client.post(f"/track/{code}/reopen", data={"reason": "Not fixed"}).status_code == 400


def test_rejecting_needs_a_reason_and_bad_transitions_are_refused(app, client, auth, roads_submission):
    auth.login("triager")
    url = f"/admin/submissions/{roads_submission}"
    refused = client.post(f"{url}/status", data={"status": "rejected"}, follow_redirects=True)
    assert "A reason is required to mark a submission “Not accepted”." in flash_of(refused.text)
    closed = client.post(f"{url}/status", data={"status": "closed"}, follow_redirects=True)
    assert "A submission cannot go from “Being reviewed” to “Closed”." in flash_of(closed.text)
    client.post(f"{url}/status", data={"status": "rejected", "reason": "Private land, not a city road."})
    with app.app_context():
        assert submission(app, roads_submission).status == Status.REJECTED


def test_duplicate_merges_and_the_duplicate_citizen_follows_the_original(app, client, auth, roads_submission,
                                                                          make_submission):
    second = make_submission(title="Same pothole again", latitude=35.1461, longitude=126.9231)
    auth.login("triager")
    with app.app_context():
        original = submission(app, roads_submission)
        original_code = original.tracking_code
        duplicate_id = db.session.scalar(select(Submission.id).where(Submission.tracking_code == second))
    response = client.post(f"/admin/submissions/{duplicate_id}/duplicate",
                           data={"original": original_code.lower(), "reason": "Same pothole"}, follow_redirects=True)
    assert "Marked as a duplicate." in flash_of(response.text)
    client.post(f"/admin/submissions/{roads_submission}/update", data={"update-message": "Repair booked."})
    tracking = client.get(f"/track/{second}").text
    assert "already handling the same issue" in tracking and "Repair booked." in tracking
    with app.app_context():
        duplicate = submission(app, duplicate_id)
        assert duplicate.status == Status.DUPLICATE and duplicate.duplicate_of_id == roads_submission
        assert any(e.action == "duplicate_merged" for e in submission(app, roads_submission).events)
