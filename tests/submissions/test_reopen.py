"""Reopening: the citizen within 30 days and with a reason; `resolved_at` only while resolved or closed."""
from datetime import timedelta

import pytest

from gwangju_civic.extensions import db
from gwangju_civic.models import Status, utcnow
from gwangju_civic.submissions.workflow import REOPEN_WINDOW, WorkflowError, can_reopen, move, reopen
from tests.submissions.conftest import in_english, signed_in, staff_user, stored


@pytest.fixture
def resolved(app, staff, new_submission) -> int:
    """A report staff routed and resolved."""
    submission_id = new_submission()
    with in_english(app):
        officer = staff_user(staff["admin"])
        move(stored(submission_id), Status.ROUTED, officer)
        move(stored(submission_id), Status.RESOLVED, officer, reason="Filled.")
        db.session.commit()
    return submission_id


def test_the_citizen_reopens_within_the_window_with_a_reason(app, client, resolved):
    with app.app_context():
        code = stored(resolved).tracking_code
    client.set_cookie("lang", "en")
    response = client.post(f"/track/{code}/reopen", data={"reason": "Still a hole after the rain."})
    assert response.status_code == 303
    with app.app_context():
        reopened = stored(resolved)
        assert reopened.status == Status.IN_PROGRESS and reopened.resolved_at is None
        assert reopened.events[-1].message == "Still a hole after the rain." and reopened.events[-1].is_public


@pytest.mark.parametrize("age", [REOPEN_WINDOW - timedelta(hours=1), REOPEN_WINDOW + timedelta(hours=1)])
def test_the_window_is_thirty_days_from_resolution(app, resolved, age):
    with in_english(app):
        submission = stored(resolved)
        submission.resolved_at = utcnow() - age
        inside = age <= REOPEN_WINDOW
        assert can_reopen(submission) is inside
        if inside:
            reopen(submission, "Not fixed")
            assert submission.status == Status.IN_PROGRESS
        else:
            with pytest.raises(WorkflowError, match="30 days"):
                reopen(submission, "Not fixed")
        db.session.rollback()


def test_reopening_needs_a_reason(app, resolved):
    with in_english(app):
        with pytest.raises(WorkflowError, match="reason"):
            reopen(stored(resolved), "   ")
        assert stored(resolved).status == Status.RESOLVED


def test_staff_taking_a_resolved_report_back_clears_resolved_at(app, staff, resolved):
    client = signed_in(app, staff, "admin")
    client.post(f"/admin/submissions/{resolved}/status", data={"status": "in_progress"})
    with app.app_context():
        submission = stored(resolved)
        assert submission.status == Status.IN_PROGRESS and submission.resolved_at is None
    client.post(f"/admin/submissions/{resolved}/status", data={"status": "rejected", "reason": "Private road."})
    with app.app_context():
        submission = stored(resolved)
        assert submission.status == Status.REJECTED and submission.resolved_at is None


def test_closing_keeps_the_resolution_time(app, staff, resolved):
    with app.app_context():
        resolved_at = stored(resolved).resolved_at
    client = signed_in(app, staff, "admin")
    client.post(f"/admin/submissions/{resolved}/status", data={"status": "closed"})
    with app.app_context():
        submission = stored(resolved)
        assert submission.status == Status.CLOSED and submission.resolved_at == resolved_at
        assert not can_reopen(submission)
