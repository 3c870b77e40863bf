"""Crafted input is a clear 4xx, never a 500: huge ids and pages, NUL bytes, reserved url_for args, hostile JSON."""
from pathlib import Path

import pytest
from flask import request
from sqlalchemy import func, select
from werkzeug.exceptions import BadRequest

from gwangju_civic.extensions import db
from gwangju_civic.models import Submission
from tests.factories import form_data

HUGE = "99999999999999999999"
NUL_MESSAGE = "The request contains a NUL character"


def submission_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Submission))


@pytest.mark.parametrize("path", [f"/submissions/{HUGE}", f"/admin/submissions/{HUGE}", "/submissions/2147483648",
                                  f"/admin/campaigns/{HUGE}", f"/donate/campaigns/{HUGE}", "/submissions/" + "9" * 5000])
def test_an_id_no_database_integer_holds_is_not_found(client, auth, path):
    auth.login("admin")
    assert client.get(path).status_code == 404


def test_the_largest_id_a_database_integer_holds_still_routes(client):
    assert client.get("/submissions/2147483647").status_code == 404  # matched the route, then no such report


@pytest.mark.parametrize("page", [str(10**20), "1000001"])
def test_a_page_number_beyond_any_list_is_not_found(client, auth, make_submission, page):
    make_submission()
    assert client.get(f"/submissions?page={page}").status_code == 404
    auth.login("admin")
    assert client.get(f"/admin/queue?page={page}").status_code == 404


def test_ordinary_page_numbers_still_work(client, make_submission):
    make_submission()
    assert client.get("/submissions?page=1").status_code == 200
    assert client.get("/submissions?page=999").status_code == 200  # past the end: an empty page, as before
    assert client.get("/submissions?page=abc").status_code == 200


@pytest.mark.parametrize("url", ["/submissions?q=%00", "/submissions?kind=problem&status=%00new", "/track/%00",
                                 "/track?code=GJ%00", "/%00", "/submissions?q%00=x"])
def test_a_nul_byte_in_the_path_or_query_is_a_clear_400(client, url):
    client.set_cookie("lang", "en")
    response = client.get(url)
    assert response.status_code == 400 and NUL_MESSAGE in response.text


@pytest.mark.parametrize("field", ["title", "description", "address", "contact_email"])
def test_a_nul_byte_in_a_report_field_is_refused_without_a_false_promise(app, client, field):
    client.set_cookie("lang", "en")
    value = form_data()[field] or "someone@example.org"
    response = client.post("/report", data=form_data(**{field: value[:3] + "\x00" + value[3:]}))
    assert response.status_code == 400 and NUL_MESSAGE in response.text
    assert "Nothing you sent has been lost" not in response.text and "safely" not in response.text
    assert submission_count(app) == 0 and not list(Path(app.config["SPOOL_FOLDER"]).glob("*"))


def test_a_nul_byte_in_json_answers_json(client):
    client.set_cookie("lang", "en")
    response = client.get("/track/%00", headers={"Accept": "application/json"})
    assert response.status_code == 400 and NUL_MESSAGE in response.json["error"]["message"]


@pytest.mark.parametrize("reserved", ["_method=POST", "_external=1", "_scheme=javascript", "_anchor=x"])
@pytest.mark.app_config(PUBLIC_LIST_PAGE_SIZE=1)
def test_query_args_never_reach_url_for_as_options(client, make_submission, reserved):
    make_submission(title="Pothole near the market")
    make_submission(title="Pothole near the school")
    response = client.get(f"/submissions?q=Pothole&{reserved}", headers={"Host": "evil.example"})
    assert response.status_code == 200
    assert 'href="/submissions?' in response.text and "evil.example" not in response.text
    assert "q=Pothole" in response.text and "page=2" in response.text  # the filters survive into the page links


HOSTILE_JSON = {
    "nested 100k deep": b"[" * 100_000 + b"]" * 100_000,
    "a 5,000-digit integer": b'{"n": ' + b"9" * 5000 + b"}",
    "a lone surrogate": b'{"text": "\\ud800"}',
    "NaN": b'{"n": NaN}',
    "Infinity": b"[Infinity]",
    "a float that overflows to infinity": b"[1e999]",
    "not UTF-8": b'{"text": "\xff"}',
}


@pytest.mark.parametrize("body", HOSTILE_JSON.values(), ids=HOSTILE_JSON.keys())
def test_a_hostile_json_body_is_a_bad_request(app, body):
    with app.test_request_context("/", method="POST", data=body, content_type="application/json"):
        with pytest.raises(BadRequest):
            request.get_json()


def test_ordinary_json_bodies_still_parse(app):
    with app.test_request_context("/", method="POST", data='{"title": "가로등", "n": [1, 2.5]}',
                                  content_type="application/json"):
        assert request.get_json() == {"title": "가로등", "n": [1, 2.5]}
