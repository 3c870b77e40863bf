"""Personal data a resident or staff member types is masked on every public page and cannot be searched for;
staff pages keep the original."""
import sqlalchemy as sa
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Submission
from gwangju_civic.submissions.public_copies import fill_public_copies
from tests.factories import image_bytes

PHONE, RRN = "010-9876-5432", "900101-1234567"
DESCRIPTION = f"가로등이 나갔어요. 연락은 {PHONE}, 주민번호 {RRN} 입니다. 이름: 홍길동"
ADDRESS = "광주광역시 북구 용봉로 77"


def file_report(make_submission, **fields) -> str:
    fields.setdefault("title", f"가로등 고장 {PHONE}")
    fields.setdefault("description", DESCRIPTION)
    fields.setdefault("address", ADDRESS)
    return make_submission(**fields)


def submission_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Submission.id).where(Submission.tracking_code == code))


def assert_masked(page: str) -> None:
    assert PHONE not in page and RRN not in page and "홍길동" not in page and "용봉로 77" not in page
    assert "[PHONE]" in page


def test_every_public_page_shows_the_masked_copy(app, client, make_submission):
    code = file_report(make_submission)
    sid = submission_id(app, code)
    client.set_cookie("lang", "en")
    for url in ("/", "/submissions", f"/submissions/{sid}", f"/track/{code}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_masked(response.text)
    detail = client.get(f"/submissions/{sid}").text
    assert "[RRN]" in detail and "이름: [NAME]" in detail and "광주광역시 북구 용봉로 ***" in detail


def test_staff_see_the_original(app, client, auth, make_submission):
    sid = submission_id(app, file_report(make_submission))
    auth.login("admin")
    page = client.get(f"/admin/submissions/{sid}").text
    assert PHONE in page and RRN in page and "용봉로 77" in page


def test_search_does_not_find_a_report_by_personal_data(app, client, make_submission):
    link = f'href="/submissions/{submission_id(app, file_report(make_submission))}"'
    assert link not in client.get("/submissions", query_string={"q": "010-9876"}).text
    assert link not in client.get("/submissions", query_string={"q": "1234567"}).text
    assert link in client.get("/submissions", query_string={"q": "가로등이 나갔어요"}).text


def test_search_treats_wildcards_as_text(app, client, make_submission):
    link = f'href="/submissions/{submission_id(app, make_submission(title="Streetlight out"))}"'
    assert link in client.get("/submissions", query_string={"q": "Streetlight"}).text
    assert link not in client.get("/submissions", query_string={"q": "%"}).text
    assert link not in client.get("/submissions", query_string={"q": "Street_ight"}).text


def test_staff_public_updates_and_status_reasons_are_masked_for_the_public(app, client, auth, make_submission):
    code = file_report(make_submission, title="Streetlight out", description="Dark at night")
    sid = submission_id(app, code)
    auth.login("admin")
    client.post(f"/admin/submissions/{sid}/update", data={"update-message": f"담당 김철수 주무관 {PHONE} 입니다"})
    client.post(f"/admin/submissions/{sid}/status", data={"status": "rejected", "reason": f"Call Mr. John Smith {PHONE}"})
    staff_page = client.get(f"/admin/submissions/{sid}").text
    assert staff_page.count(PHONE) == 2 and "김철수" in staff_page
    auth.logout()
    tracking = client.get(f"/track/{code}").text
    assert PHONE not in tracking and "김철수" not in tracking and "John Smith" not in tracking
    assert "담당 [NAME] 주무관 [PHONE] 입니다" in tracking and "Call Mr. [NAME] [PHONE]" in tracking


def test_rows_stored_before_the_public_copies_are_backfilled():
    """The migration adding the columns calls fill_public_copies on rows whose copies are still empty."""
    engine = sa.create_engine("sqlite://")
    metadata = sa.MetaData()
    submissions = sa.Table("submissions", metadata, sa.Column("id", sa.Integer, primary_key=True),
                           *(sa.Column(name, sa.Text) for name in ("title", "description", "address", "public_title",
                                                                   "public_description", "public_address")))
    events = sa.Table("submission_events", metadata, sa.Column("id", sa.Integer, primary_key=True),
                      sa.Column("message", sa.Text), sa.Column("public_message", sa.Text))
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(submissions.insert(), [{"title": f"Call {PHONE}", "description": RRN, "address": ADDRESS},
                                                  {"title": "Quiet", "description": "Nothing", "address": None}])
        connection.execute(events.insert(), [{"message": f"Update {PHONE}"}, {"message": None}])
        assert fill_public_copies(connection, batch=1) == 3
        rows = connection.execute(sa.select(submissions).order_by(submissions.c.id)).all()
        assert [row[4:] for row in rows] == [("Call [PHONE]", "[RRN]", "광주광역시 북구 용봉로 ***"),
                                             ("Quiet", "Nothing", None)]
        assert connection.execute(sa.select(events.c.public_message).order_by(events.c.id)).scalars().all() == [
            "Update [PHONE]", None]


def test_public_photos_are_revalidated_so_moderation_can_take_them_back(app, client, make_submission):
    code = make_submission(photos=[image_bytes()])
    with app.app_context():
        [photo] = db.session.scalar(select(Submission).where(Submission.tracking_code == code)).photos
        filename = photo.filename
    response = client.get(f"/photos/{filename}")
    assert response.status_code == 200
    assert response.cache_control.no_cache and "max-age" not in response.headers["Cache-Control"]
    assert response.headers.get("ETag")
    response.close()
