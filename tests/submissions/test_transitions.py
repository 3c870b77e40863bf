"""Every status change goes through one gate that follows the transition table, whoever asks for it."""
from datetime import timedelta

import pytest

from gwangju_civic.extensions import db
from gwangju_civic.labels import STATUS_LABELS
from gwangju_civic.models import Status, utcnow
from gwangju_civic.submissions.operations import change_status, send_to_triage
from gwangju_civic.submissions.workflow import TRANSITIONS, WorkflowError, move
from tests.submissions.conftest import flashes, in_english, put_in, signed_in, staff_user, stored

PAIRS = [(source, target) for source in Status for target in Status if source != target]


def test_the_table_covers_every_status_and_closed_is_final():
    assert set(TRANSITIONS) == set(Status)
    assert all(targets <= set(Status) and source not in targets for source, targets in TRANSITIONS.items())
    assert TRANSITIONS[Status.CLOSED] == set()


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{s.value}->{t.value}" for s, t in PAIRS])
def test_change_status_allows_exactly_what_the_table_allows(app, new_submission, source, target):
    submission_id, original_id = new_submission(), new_submission(title="The original report")
    with in_english(app):
        submission = stored(submission_id)
        if source in (Status.RESOLVED, Status.CLOSED):
            submission.resolved_at = utcnow() - timedelta(days=1)
        if Status.DUPLICATE in (source, target):
            submission.duplicate_of = stored(original_id)
        put_in(submission, source)
        events_before = len(submission.events)
        if target in TRANSITIONS[source]:
            change_status(submission, target, "test")
            assert submission.status == target
            [changed] = [event for event in submission.events[events_before:] if event.action == "status_changed"]
            assert (changed.old_value, changed.new_value) == (source.value, target.value)
            assert (submission.resolved_at is not None) == (target in (Status.RESOLVED, Status.CLOSED))
            assert (submission.duplicate_of is not None) == (target == Status.DUPLICATE)
        else:
            with pytest.raises(WorkflowError, match=f"cannot go from “{STATUS_LABELS[source]}” to “{STATUS_LABELS[target]}”"):
                change_status(submission, target, "test")
            assert submission.status == source and len(submission.events) == events_before
        db.session.rollback()


def test_a_duplicate_needs_an_original(app, new_submission, staff):
    submission_id = new_submission()
    with in_english(app):
        with pytest.raises(WorkflowError, match="Mark duplicate"):
            move(stored(submission_id), Status.DUPLICATE, staff_user(staff["triager"]), reason="Seen it before")


def test_the_status_form_refuses_a_duplicate_without_its_original(app, staff, new_submission):
    submission_id = new_submission()
    client = signed_in(app, staff, "triager")
    response = client.post(f"/admin/submissions/{submission_id}/status",
                           data={"status": "duplicate", "reason": "Seen it before"}, follow_redirects=True)
    assert response.status_code == 200
    assert any("Mark duplicate" in message for message in flashes(response.text))
    with app.app_context():
        assert stored(submission_id).status == Status.NEEDS_TRIAGE


def test_system_paths_still_move_new_reports(app, new_submission):
    first, second = new_submission(), new_submission()
    with in_english(app):
        for submission_id, arrive in ((first, Status.NEEDS_TRIAGE), (second, Status.ROUTED)):
            submission = stored(submission_id)
            put_in(submission, Status.NEW)
            if arrive == Status.NEEDS_TRIAGE:
                send_to_triage(submission, "photos could not be stored")
            else:
                change_status(submission, Status.ROUTED, "router")
            assert submission.status == arrive
        db.session.commit()


def test_a_refused_staff_move_is_flashed_and_changes_nothing(app, staff, new_submission):
    submission_id = new_submission()
    client = signed_in(app, staff, "admin")
    response = client.post(f"/admin/submissions/{submission_id}/status", data={"status": "closed"},
                           follow_redirects=True)
    assert "A submission cannot go from “Being reviewed” to “Closed”." in flashes(response.text)
    with app.app_context():
        assert stored(submission_id).status == Status.NEEDS_TRIAGE
