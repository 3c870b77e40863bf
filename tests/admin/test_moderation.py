"""Moderation: staff hide a report, a photo or a public update from public pages, or redact the public text,
always with a reason kept in the staff-only trail."""
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Photo, Submission, SubmissionEvent
from tests.factories import image_bytes
from tests.staff import PASSWORD

ANON, OTHER, OFFICER, TRIAGER, ADMIN = "anonymous", "other_officer", "officer", "triager", "admin"


def status_of(client, url: str) -> int:
    """Fetch a file and close it (served files stay open until the response is closed)."""
    with client.get(url) as response:
        return response.status_code


def load(app, submission_id: int) -> Submission:
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        _ = submission.photos, submission.events
        db.session.expunge(submission)
        return submission


def moderation_forms(page: str) -> list[str]:
    """Each form of the staff page's moderation panel, as HTML."""
    panel = page.split('id="moderation"')[1].split("</section>")[0]
    return [form.split("</form>")[0] for form in panel.split("<form")[1:]]


def seen_version(form: str) -> str:
    """The submission version a form sends back: the page it was drawn from."""
    match = re.search(r'name="version" value="(\d+)"', form)
    assert match, f"no version in {form}"
    return match[1]


def moderation_events(app, submission_id: int) -> list[tuple[str, str | None, str | None, bool]]:
    with app.app_context():
        events = db.session.scalars(select(SubmissionEvent).where(
            SubmissionEvent.submission_id == submission_id,
            SubmissionEvent.action.in_(["hidden", "shown", "photo_hidden", "photo_shown", "update_hidden",
                                        "update_shown", "redacted"])).order_by(SubmissionEvent.id))
        return [(e.action, e.field, e.message, e.is_public) for e in events]


def test_a_hidden_report_leaves_public_pages_but_its_resident_still_sees_the_status(app, client, auth,
                                                                                      roads_submission):
    code = load(app, roads_submission).tracking_code
    auth.login(OFFICER)
    response = client.post(f"/admin/submissions/{roads_submission}/hide", data={"report-reason": "Abusive words"})
    assert response.status_code == 303
    assert moderation_events(app, roads_submission) == [("hidden", None, "Abusive words", False)]
    staff_page = client.get(f"/admin/submissions/{roads_submission}").text
    assert "Deep pothole on Mudeung-ro" in staff_page and "Hidden from public pages" in staff_page
    auth.logout()
    assert client.get(f"/submissions/{roads_submission}").status_code == 404
    assert "Deep pothole" not in client.get("/submissions").text
    assert "Deep pothole" not in client.get("/").text
    tracking = client.get(f"/track/{code}")
    assert tracking.status_code == 200
    assert "Deep pothole" not in tracking.text and "A deep pothole on the right lane" not in tracking.text
    assert "This report is not shown publicly" in tracking.text and "status-needs_triage" in tracking.text


def test_a_hidden_report_can_be_shown_again(app, client, auth, roads_submission):
    auth.login(ADMIN)
    client.post(f"/admin/submissions/{roads_submission}/hide", data={"report-reason": "Checking"})
    client.post(f"/admin/submissions/{roads_submission}/show", data={"report-reason": "Checked, fine"})
    assert [event[0] for event in moderation_events(app, roads_submission)] == ["hidden", "shown"]
    auth.logout()
    assert client.get(f"/submissions/{roads_submission}").status_code == 200


def test_moderation_needs_a_reason(app, client, auth, roads_submission):
    auth.login(ADMIN)
    response = client.post(f"/admin/submissions/{roads_submission}/hide", data={"report-reason": "  "},
                           follow_redirects=True)
    assert "Give a reason." in response.text or "reason is required" in response.text
    assert not load(app, roads_submission).is_hidden and moderation_events(app, roads_submission) == []


def test_a_hidden_photo_is_not_served_to_the_public(app, client, auth, make_submission):
    code = make_submission(title="Broken bench", photos=[image_bytes(), image_bytes(size=(32, 32))])
    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
        sid, (first, second) = submission.id, [photo.filename for photo in submission.photos]
        photo_id = submission.photos[0].id
    assert status_of(client, f"/photos/{first}") == 200
    auth.login(TRIAGER)
    client.post(f"/admin/submissions/{sid}/photos/{photo_id}/hide", data={f"photo-{photo_id}-reason": "A face"})
    assert status_of(client, f"/admin/photos/{first}") == 200  # staff still see it
    auth.logout()
    assert status_of(client, f"/photos/{first}") == 404
    assert status_of(client, f"/photos/{second}") == 200
    detail = client.get(f"/submissions/{sid}").text
    assert first not in detail and second in detail
    assert status_of(client, f"/admin/photos/{first}") == 302  # sign in first
    assert moderation_events(app, sid) == [("photo_hidden", None, "A face", False)]


def test_only_photos_of_a_public_report_are_served(app, client, auth, roads_submission):
    stray = Path(app.config["UPLOAD_FOLDER"]) / "not-a-report-photo.jpg"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(image_bytes())
    assert status_of(client, "/photos/not-a-report-photo.jpg") == 404
    assert status_of(client, "/photos/../uploads/not-a-report-photo.jpg") == 404


def test_photos_of_a_hidden_report_are_not_served(app, client, auth, make_submission):
    code = make_submission(title="Graffiti", photos=[image_bytes()])
    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
        sid, filename = submission.id, submission.photos[0].filename
    auth.login(ADMIN)
    client.post(f"/admin/submissions/{sid}/hide", data={"report-reason": "Offensive picture"})
    auth.logout()
    assert status_of(client, f"/photos/{filename}") == 404


def test_a_hidden_public_update_leaves_the_tracking_page(app, client, auth, roads_submission):
    code = load(app, roads_submission).tracking_code
    auth.login(ADMIN)
    client.post(f"/admin/submissions/{roads_submission}/update", data={"update-message": "Crew booked for Monday"})
    with app.app_context():
        update_id = db.session.scalar(select(SubmissionEvent.id).where(SubmissionEvent.action == "public_update"))
    client.post(f"/admin/submissions/{roads_submission}/updates/{update_id}/hide",
                data={f"update-{update_id}-reason": "Wrong report"})
    assert "Hidden from public pages" in client.get(f"/admin/submissions/{roads_submission}").text
    auth.logout()
    assert "Crew booked for Monday" not in client.get(f"/track/{code}").text
    assert "Crew booked for Monday" not in client.get(f"/submissions/{roads_submission}").text
    auth.login(ADMIN)
    client.post(f"/admin/submissions/{roads_submission}/updates/{update_id}/show",
                data={f"update-{update_id}-reason": "It was right after all"})
    auth.logout()
    assert "Crew booked for Monday" in client.get(f"/track/{code}").text
    assert [event[0] for event in moderation_events(app, roads_submission)] == ["update_hidden", "update_shown"]


def test_redaction_changes_what_the_public_sees_and_searches_but_not_the_original(app, client, auth,
                                                                                   roads_submission):
    auth.login(ADMIN)
    client.post(f"/admin/submissions/{roads_submission}/redact/description",
                data={"redact-description-text": "A deep pothole near the Kim family's shop. Call 010-1111-2222",
                      "redact-description-reason": "Names a neighbour"})
    staff_page = client.get(f"/admin/submissions/{roads_submission}").text
    assert "A deep pothole on the right lane near the bus stop." in staff_page
    auth.logout()
    public = client.get(f"/submissions/{roads_submission}").text
    assert "A deep pothole near the Kim family&#39;s shop. Call [PHONE]" in public
    assert "right lane" not in public
    assert "Deep pothole" not in client.get("/submissions", query_string={"q": "right lane"}).text
    assert moderation_events(app, roads_submission) == [("redacted", "description", "Names a neighbour", False)]


def test_the_public_title_cannot_be_redacted_to_nothing(app, client, auth, roads_submission):
    auth.login(ADMIN)
    client.post(f"/admin/submissions/{roads_submission}/redact/title",
                data={"redact-title-text": " ", "redact-title-reason": "Empty"})
    assert load(app, roads_submission).public_title == "Deep pothole on Mudeung-ro"


@pytest.mark.parametrize(("visitor", "expected"), [(ANON, 302), (OTHER, 404), (OFFICER, 303), (TRIAGER, 303),
                                                   (ADMIN, 303)])
def test_who_may_moderate(app, client, auth, roads_submission, visitor, expected):
    """Admins and triagers; officers only for their department (another department's report stays a 404)."""
    if visitor != ANON:
        auth.login(visitor)
    urls = [f"/admin/submissions/{roads_submission}/hide", f"/admin/submissions/{roads_submission}/redact/title"]
    for url in urls:
        response = client.post(url, data={"report-reason": "r", "redact-title-reason": "r", "redact-title-text": "t"})
        assert response.status_code == expected, url
    assert load(app, roads_submission).is_hidden is (expected == 303)


def test_a_photo_of_another_report_cannot_be_moderated_through_this_one(app, client, auth, roads_submission,
                                                                         make_submission):
    other = make_submission(title="Other", photos=[image_bytes()])
    with app.app_context():
        photo_id = db.session.scalar(select(Photo.id).join(Submission).where(Submission.tracking_code == other))
    auth.login(ADMIN)
    response = client.post(f"/admin/submissions/{roads_submission}/photos/{photo_id}/hide",
                           data={f"photo-{photo_id}-reason": "x"})
    assert response.status_code == 404


def test_every_moderation_form_carries_the_version_its_page_was_drawn_from(app, client, auth, make_submission):
    code = make_submission(title="Broken bench", photos=[image_bytes()])
    with app.app_context():
        sid = db.session.scalar(select(Submission.id).where(Submission.tracking_code == code))
    auth.login(ADMIN)
    client.post(f"/admin/submissions/{sid}/update", data={"update-message": "Crew booked for Monday"})
    forms = moderation_forms(client.get(f"/admin/submissions/{sid}").text)
    assert len(forms) == 6  # the report, three public texts, the photo, the update
    assert {seen_version(form) for form in forms} == {str(load(app, sid).version)}


def test_a_redaction_from_a_stale_page_is_refused_and_keeps_the_other_staff_members(app, client, auth, staff,
                                                                                      roads_submission):
    """Two staff open the page; the first to save wins, the second gets 409 and the current page."""
    url = f"/admin/submissions/{roads_submission}"
    colleague = app.test_client()
    colleague.set_cookie("lang", "en")
    assert colleague.post("/admin/login", data={"email": staff[TRIAGER].email, "password": PASSWORD}).status_code == 302
    auth.login(ADMIN)
    seen = seen_version(moderation_forms(client.get(url).text)[1])
    assert seen_version(moderation_forms(colleague.get(url).text)[1]) == seen

    first = colleague.post(f"{url}/redact/description", data={
        "redact-description-text": "A deep pothole near the bus stop.", "redact-description-reason": "Names a shop",
        "version": seen})
    assert first.status_code == 303
    stale = client.post(f"{url}/redact/description", data={
        "redact-description-text": "A pothole.", "redact-description-reason": "Shorter", "version": seen})
    assert stale.status_code == 409
    assert "Someone else changed this submission" in stale.text
    assert seen_version(moderation_forms(stale.text)[1]) != seen  # the page now shows what is stored
    assert load(app, roads_submission).public_description == "A deep pothole near the bus stop."
    assert moderation_events(app, roads_submission) == [("redacted", "description", "Names a shop", False)]


def test_a_moderation_refusal_is_told_in_the_staff_members_language(app, client, auth, roads_submission):
    auth.login(ADMIN)
    client.post(f"/admin/submissions/{roads_submission}/hide", data={"report-reason": "Abusive words"})
    client.set_cookie("lang", "fr")
    again = client.post(f"/admin/submissions/{roads_submission}/hide", data={"report-reason": "Again"},
                        follow_redirects=True)
    assert "le signalement est déjà masqué" in again.text
    assert [event[0] for event in moderation_events(app, roads_submission)] == ["hidden"]
