"""\"Me too\": once per resident's browser, capped per network, never bumping the version staff act on."""
import re

import pytest

from gwangju_civic.extensions import db
from gwangju_civic.models import Status, Submission, Supporter


def count(app, submission_id: int) -> int:
    with app.app_context():
        return db.session.get(Submission, submission_id).supporter_count


def test_me_too_counts_once_per_browser(app, client, report):
    with app.app_context():
        version = db.session.get(Submission, report).version
    first = client.post(f"/submissions/{report}/support")
    assert first.status_code == 303 and first.headers["Location"].endswith(f"/submissions/{report}#follow")
    assert "gjc_supporter" in first.headers["Set-Cookie"] and "HttpOnly" in first.headers["Set-Cookie"]
    client.post(f"/submissions/{report}/support")
    assert count(app, report) == 1
    app.test_client().post(f"/submissions/{report}/support")  # another resident
    assert count(app, report) == 2
    with app.app_context():
        assert db.session.get(Submission, report).version == version  # staff pages opened before stay valid
        assert db.session.query(Supporter).count() == 2
        stored = db.session.query(Supporter).first()
        assert "127.0.0.1" not in stored.network_hash and len(stored.browser_hash) == 64
    page = client.get(f"/submissions/{report}")
    assert "2 people have this problem too" in page.text or "2명" in page.text


def test_a_forged_cookie_is_a_new_browser_not_someone_else(app, client, report):
    client.set_cookie("gjc_supporter", "forged")
    response = client.post(f"/submissions/{report}/support")
    assert response.status_code == 303 and "gjc_supporter=" in response.headers["Set-Cookie"]
    assert count(app, report) == 1


@pytest.mark.app_config(SUPPORT_PER_NETWORK=2)
def test_clearing_cookies_cannot_inflate_the_count_from_one_network(app, report):
    for _ in range(4):
        app.test_client().post(f"/submissions/{report}/support")
    assert count(app, report) == 2
    app.test_client().post(f"/submissions/{report}/support", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert count(app, report) == 3


@pytest.mark.app_config(SUPPORT_THROTTLE="3 per hour")
def test_me_too_is_throttled_per_address(client, report):
    assert [client.post(f"/submissions/{report}/support").status_code for _ in range(4)] == [303, 303, 303, 429]


def test_hidden_or_finished_reports_take_no_me_too(app, client, report, make_submission):
    with app.app_context():
        db.session.get(Submission, report).status = Status.CLOSED
        db.session.commit()
    assert client.post(f"/submissions/{report}/support").status_code == 400
    with app.app_context():
        submission = db.session.get(Submission, report)
        submission.status, submission.is_hidden = Status.ROUTED, True
        db.session.commit()
    assert client.post(f"/submissions/{report}/support").status_code == 404
    assert count(app, report) == 0


def test_staff_see_the_count_and_sort_by_it(app, client, auth, department_report):
    quiet = department_report("roads", None, title="Quiet report on Geumnam-ro")
    popular = department_report("roads", None, title="Popular report on Geumnam-ro")
    for number in range(3):
        app.test_client().post(f"/submissions/{popular}/support", environ_base={"REMOTE_ADDR": f"192.0.2.{number}"})
    auth.login("officer")
    page = client.get("/admin/queue", query_string={"sort": "supporters"}).text
    assert page.index("Popular report") < page.index("Quiet report")
    assert re.search(r'<td class="supporters"[^>]*>3</td>', page) and 'value="supporters" selected' in page
    default = client.get("/admin/queue").text
    assert default.index("Quiet report") < default.index("Popular report") and quiet
