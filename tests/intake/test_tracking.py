"""Tracking codes, the tracking page and the public pages: status history without private details."""
from sqlalchemy import select

from gwangju_civic.codes import ALPHABET, TRACKING_CODE, WITHDRAWAL_CODE
from gwangju_civic.extensions import db
from gwangju_civic.models import Status, Submission
from gwangju_civic.submissions.operations import change_status, record_event


def test_tracking_codes_are_readable_and_unique():
    codes = {TRACKING_CODE.new() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(TRACKING_CODE.matches(code) and len(code) == 12 for code in codes)
    assert not set("01ILO") & set(ALPHABET)


def test_typed_codes_are_normalized():
    assert TRACKING_CODE.normalize(" gj 7k3m q9td ") == "GJ-7K3M-Q9TD"
    assert TRACKING_CODE.normalize("7K3MQ9TD") == "GJ-7K3M-Q9TD"
    assert not TRACKING_CODE.matches("GJ-7K3M-Q9T0") and not TRACKING_CODE.matches("GJ-7K3M")
    assert WITHDRAWAL_CODE.normalize("wd7k3mq9tdabcd") == "WD-7K3M-Q9TD-ABCD"


def test_tracking_page_shows_history_and_public_updates_only(client, app, make_submission):
    code = make_submission(contact_email="secret@example.org", contact_phone="010-9999-8888")
    with app.test_request_context():
        submission = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
        record_event(submission, "staff", "public_update", message="Crew sent for Tuesday.", public=True)
        record_event(submission, "staff", "note", message="Internal: contractor is slow.")
        change_status(submission, Status.ROUTED, "staff")
        change_status(submission, Status.IN_PROGRESS, "staff")
        db.session.commit()
    client.set_cookie("lang", "en")
    page = client.get(f"/track/{code}")
    assert page.status_code == 200
    assert code in page.text
    assert "Crew sent for Tuesday." in page.text
    assert "In progress" in page.text
    for private in ("Internal: contractor is slow.", "secret@example.org", "010-9999-8888"):
        assert private not in page.text


def test_lookup_form_redirects_to_the_tracking_page(client, make_submission):
    code = make_submission()
    response = client.get("/track", query_string={"code": code.lower().replace("-", " ")})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/track/{code}"


def test_malformed_code_gets_a_clear_message(client):
    client.set_cookie("lang", "en")
    response = client.get("/track", query_string={"code": "hello"})
    assert response.status_code == 400
    assert "A tracking code looks like" in response.text


def test_unknown_tracking_code_gets_a_404_page(client):
    client.set_cookie("lang", "en")
    response = client.get("/track/GJ-2222-2222")
    assert response.status_code == 404
    assert "We could not find that page or tracking code." in response.text


def test_404_answers_json_to_a_json_client(client):
    response = client.get("/track/GJ-2222-2222", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"]["status"] == 404


def test_public_list_filters_and_hides_codes_and_contacts(client, app, make_submission):
    pothole = make_submission(title="Pothole on Mudeung-ro", contact_email="a@example.org")
    idea = make_submission(kind="idea", title="Benches along Gwangju stream", address=None)
    with app.test_request_context():
        submission = db.session.scalar(select(Submission).where(Submission.tracking_code == idea))
        change_status(submission, Status.ROUTED, "staff")
        change_status(submission, Status.RESOLVED, "staff")
        db.session.commit()
    client.set_cookie("lang", "en")
    everything = client.get("/submissions").text
    assert "Pothole on Mudeung-ro" in everything and "Benches along Gwangju stream" in everything
    assert pothole not in everything and idea not in everything and "a@example.org" not in everything
    ideas = client.get("/submissions", query_string={"kind": "idea"}).text
    assert "Benches along Gwangju stream" in ideas and "Pothole on Mudeung-ro" not in ideas
    resolved = client.get("/submissions", query_string={"status": "resolved"}).text
    assert "Benches along Gwangju stream" in resolved and "Pothole on Mudeung-ro" not in resolved
    searched = client.get("/submissions", query_string={"q": "mudeung"}).text
    assert "Pothole on Mudeung-ro" in searched and "Benches" not in searched
    ignored = client.get("/submissions", query_string={"status": "bogus", "kind": "bogus"})
    assert ignored.status_code == 200 and "Pothole on Mudeung-ro" in ignored.text


def test_public_list_paginates(client, app, make_submission):
    app.config["PUBLIC_LIST_PAGE_SIZE"] = 2
    for n in range(5):
        make_submission(title=f"Report number {n}")
    client.set_cookie("lang", "en")
    first = client.get("/submissions").text
    assert "Report number 4" in first and "Report number 2" not in first
    assert "Page 1 of 3" in first
    third = client.get("/submissions", query_string={"page": 3}).text
    assert "Report number 0" in third


def test_public_detail_page(client, app, make_submission):
    code = make_submission(title="Broken bench in Jungoe Park")
    with app.app_context():
        submission_id = db.session.scalar(select(Submission.id).where(Submission.tracking_code == code))
    page = client.get(f"/submissions/{submission_id}")
    assert page.status_code == 200 and "Broken bench in Jungoe Park" in page.text and code not in page.text
    assert client.get("/submissions/999999").status_code == 404


def test_events_are_append_only(app, make_submission):
    make_submission()
    with app.app_context():
        submission = db.session.scalar(select(Submission))
        event = submission.events[0]
        event.message = "rewritten"
        try:
            db.session.flush()
        except ValueError as error:
            assert "append-only" in str(error)
        else:
            raise AssertionError("an event was edited")
        finally:
            db.session.rollback()
