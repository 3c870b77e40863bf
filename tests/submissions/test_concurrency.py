"""Two staff, one submission: the first change is kept, the second is told to reload, nothing contradicts."""
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from gwangju_civic.extensions import db
from gwangju_civic.models import Status
from gwangju_civic.submissions.workflow import move
from tests.submissions.conftest import flashes, in_english, seen_version, signed_in, staff_user, stored

CHANGED = "Someone else changed this submission"


@pytest.fixture
def routed(app, staff, new_submission) -> int:
    submission_id = new_submission(title="Broken streetlight on Geumnam-ro")
    with in_english(app):
        move(stored(submission_id), Status.ROUTED, staff_user(staff["admin"]))
        db.session.commit()
    return submission_id


def test_the_second_of_two_staff_who_saw_the_same_page_is_told_to_reload(app, staff, routed):
    url = f"/admin/submissions/{routed}"
    first, second = signed_in(app, staff, "admin"), signed_in(app, staff, "triager")
    first_version, second_version = seen_version(first.get(url).text), seen_version(second.get(url).text)

    started = first.post(f"{url}/status", data={"status": "in_progress", "version": first_version})
    assert started.status_code == 303
    refused = second.post(f"{url}/status", data={"status": "rejected", "reason": "Not ours.",
                                                 "version": second_version})
    assert refused.status_code == 409
    assert any(CHANGED in message for message in flashes(refused.text))
    assert seen_version(refused.text) != second_version  # the page now shows what is stored
    with app.app_context():
        submission = stored(routed)
        assert submission.status == Status.IN_PROGRESS
        assert [e.new_value for e in submission.events if e.action == "status_changed"][-1] == "in_progress"


def test_every_state_changing_form_on_the_page_carries_the_version(app, staff, routed):
    client = signed_in(app, staff, "admin")
    page = client.get(f"/admin/submissions/{routed}").text
    for form_id in ("status-form", "routing-form", "assign-form", "duplicate-form"):
        form = page.split(f'id="{form_id}"')[1].split("</form>")[0]
        assert 'name="version"' in form, form_id


def test_a_change_landing_between_reading_and_writing_gets_409_and_no_contradiction(app, staff, routed):
    """Resolved and rejected posted at the same moment: the rejection commits while the resolution is flushing."""
    url = f"/admin/submissions/{routed}"
    resolver, rejecter = signed_in(app, staff, "admin"), signed_in(app, staff, "triager")
    version = seen_version(resolver.get(url).text)
    assert seen_version(rejecter.get(url).text) == version
    replies, fired = {}, []

    def reject() -> None:
        replies["rejecter"] = rejecter.post(f"{url}/status", data={"status": "rejected", "reason": "Not ours.",
                                                                  "version": version})

    def rejection_lands_first(session: Session, flush_context, instances) -> None:
        if not fired:  # the other worker's whole request, start to commit, right now
            fired.append(True)
            other_worker = threading.Thread(target=reject)
            other_worker.start()
            other_worker.join()

    sa.event.listen(Session, "before_flush", rejection_lands_first)
    try:
        replies["resolver"] = resolver.post(f"{url}/status", data={"status": "resolved", "reason": "Fixed.",
                                                                  "version": version})
    finally:
        sa.event.remove(Session, "before_flush", rejection_lands_first)
    assert replies["rejecter"].status_code == 303
    assert replies["resolver"].status_code == 409
    assert any(CHANGED in message for message in flashes(replies["resolver"].text))
    with app.app_context():
        submission = stored(routed)
        assert submission.status == Status.REJECTED and submission.resolved_at is None
        assert [e.new_value for e in submission.events if e.action == "status_changed"][-2:] == ["routed", "rejected"]
        assert "resolved" not in {e.new_value for e in submission.events}


def test_two_sessions_writing_the_same_row_cannot_both_win(app, staff, routed):
    with in_english(app):
        mine = stored(routed)
        admin = staff_user(staff["admin"])
        with app.app_context():  # another worker, with its own session, gets there first
            move(stored(routed), Status.RESOLVED, staff_user(staff["triager"]), reason="Fixed.")
            db.session.commit()
        with pytest.raises(StaleDataError):
            move(mine, Status.REJECTED, admin, reason="Not ours.")  # decided on what this session had read
            db.session.commit()
        db.session.rollback()
        submission = stored(routed)
        assert submission.status == Status.RESOLVED and submission.resolved_at is not None


def test_a_citizen_reopening_while_staff_close_it_is_told_and_nothing_contradicts(app, staff, client, routed):
    with in_english(app):
        move(stored(routed), Status.RESOLVED, staff_user(staff["admin"]), reason="Fixed.")
        db.session.commit()
        code = stored(routed).tracking_code
    closer = signed_in(app, staff, "admin")
    fired = []

    def closing_lands_first(session: Session, flush_context, instances) -> None:
        if not fired:
            fired.append(True)
            other_worker = threading.Thread(
                target=lambda: fired.append(closer.post(f"/admin/submissions/{routed}/status",
                                                        data={"status": "closed"})))
            other_worker.start()
            other_worker.join()

    client.set_cookie("lang", "en")
    sa.event.listen(Session, "before_flush", closing_lands_first)
    try:
        response = client.post(f"/track/{code}/reopen", data={"reason": "Still broken."})
    finally:
        sa.event.remove(Session, "before_flush", closing_lands_first)
    assert fired[1].status_code == 303
    assert response.status_code == 409 and "changed while you were writing" in response.text
    with app.app_context():
        assert stored(routed).status == Status.CLOSED and stored(routed).resolved_at is not None
