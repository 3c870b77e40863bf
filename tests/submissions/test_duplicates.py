"""Duplicates: merged into the chain's root, reopened cleanly, and never in a circle."""
import pytest
from flask import Flask
from flask.testing import FlaskClient

from gwangju_civic.extensions import db
from gwangju_civic.models import Status
from gwangju_civic.submissions.workflow import WorkflowError, mark_duplicate, move
from tests.submissions.conftest import flashes, in_english, signed_in, staff_user, stored


def mark(app: Flask, client: FlaskClient, duplicate_id: int, original_id: int):
    """Staff type the original's tracking code into the duplicate's "Mark duplicate" form."""
    with app.app_context():
        code = stored(original_id).tracking_code
    return client.post(f"/admin/submissions/{duplicate_id}/duplicate",
                       data={"original": code, "reason": "Same pothole"}, follow_redirects=True)


def reopen_duplicate(client: FlaskClient, submission_id: int):
    return client.post(f"/admin/submissions/{submission_id}/status", data={"status": "needs_triage"},
                       follow_redirects=True)


def links(app: Flask, *submission_ids: int) -> list[int | None]:
    with app.app_context():
        return [stored(submission_id).duplicate_of_id for submission_id in submission_ids]


def test_a_duplicate_follows_its_original(app, staff, new_submission):
    original, duplicate = new_submission(title="Pothole on Mudeung-ro"), new_submission(title="Same pothole")
    client = signed_in(app, staff, "triager")
    response = mark(app, client, duplicate, original)
    assert "Marked as a duplicate." in flashes(response.text)
    with app.app_context():
        merged = stored(duplicate)
        assert merged.status == Status.DUPLICATE and merged.duplicate_of_id == original
        assert any(event.action == "duplicate_merged" for event in stored(original).events)
        code = merged.tracking_code
    assert "already handling the same issue" in client.get(f"/track/{code}").text


def test_reopen_then_merge_the_original_elsewhere_never_points_a_report_at_itself(app, staff, new_submission):
    """B→A, reopen B, A→X, then X→B: B is now the root, and everyone follows B."""
    a, b, x = (new_submission(title=f"Pothole report {name}") for name in "ABX")
    client = signed_in(app, staff, "triager")
    mark(app, client, b, a)
    reopen_duplicate(client, b)
    assert links(app, b) == [None]
    mark(app, client, a, x)
    response = mark(app, client, x, b)
    assert response.status_code == 200
    assert "Marked as a duplicate." in flashes(response.text)
    assert links(app, a, b, x) == [b, None, b]
    with app.app_context():
        assert stored(b).status == Status.NEEDS_TRIAGE
        assert stored(x).status == stored(a).status == Status.DUPLICATE


def test_closing_a_circle_of_duplicates_is_refused_with_a_message(app, staff, new_submission):
    """A→B, B→C, then C→A would be a circle: refused, and nothing changes."""
    a, b, c = (new_submission(title=f"Streetlight report {name}") for name in "ABC")
    client = signed_in(app, staff, "triager")
    mark(app, client, a, b)
    mark(app, client, b, c)
    assert links(app, a, b, c) == [c, c, None]  # A's citizen now follows C, the chain's root
    response = mark(app, client, c, a)
    assert response.status_code == 200
    assert any("circle" in message for message in flashes(response.text))
    assert links(app, a, b, c) == [c, c, None]
    with app.app_context():
        assert stored(c).status == Status.NEEDS_TRIAGE


def test_a_report_cannot_duplicate_itself_or_be_merged_twice(app, staff, new_submission):
    first, second, third = new_submission(), new_submission(), new_submission()
    with in_english(app):
        triager = staff_user(staff["triager"])
        with pytest.raises(WorkflowError, match="itself"):
            mark_duplicate(stored(first), stored(first), triager, "Same")
        mark_duplicate(stored(second), stored(first), triager, "Same")
        db.session.commit()
        with pytest.raises(WorkflowError, match="already a duplicate"):
            mark_duplicate(stored(second), stored(third), triager, "Same")
        db.session.rollback()
        assert stored(second).duplicate_of_id == first


def test_a_chain_left_by_older_data_is_followed_to_its_root_and_a_loop_is_refused(app, staff, new_submission):
    a, b, c, d = (new_submission() for _ in range(4))
    with in_english(app):
        triager = staff_user(staff["triager"])
        stored(a).duplicate_of, stored(b).duplicate_of = stored(b), stored(c)  # as written before chains were flattened
        db.session.commit()
        mark_duplicate(stored(d), stored(a), triager, "Same")
        assert stored(d).duplicate_of_id == c
        db.session.rollback()
        stored(c).duplicate_of = stored(a)  # a loop a→b→c→a, which no workflow path can make any more
        db.session.commit()
        with pytest.raises(WorkflowError, match="loop"):
            mark_duplicate(stored(d), stored(a), triager, "Same")
        db.session.rollback()


def test_reopening_a_duplicate_clears_the_link_and_records_it(app, staff, new_submission):
    original, duplicate = new_submission(), new_submission()
    with in_english(app):
        triager = staff_user(staff["triager"])
        mark_duplicate(stored(duplicate), stored(original), triager, "Same")
        move(stored(duplicate), Status.NEEDS_TRIAGE, triager)
        db.session.commit()
        reopened = stored(duplicate)
        assert reopened.duplicate_of is None and reopened.status == Status.NEEDS_TRIAGE
        cleared = [event for event in reopened.events if event.field == "duplicate_of"]
        assert [(event.old_value, event.new_value) for event in cleared] == [(stored(original).tracking_code, None)]
        code = reopened.tracking_code
    client = app.test_client()
    client.set_cookie("lang", "en")
    assert "already handling the same issue" not in client.get(f"/track/{code}").text
