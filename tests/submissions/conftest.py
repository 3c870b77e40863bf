"""Workflow fixtures: stored submissions by id, staff in the session, clients signed in side by side."""
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Status, Submission, User
from tests.staff import PASSWORD, Staff


@pytest.fixture
def new_submission(app: Flask, make_submission) -> Callable[..., int]:
    """A report filed through the intake service (no router here, so it waits in needs_triage); returns its id."""

    def make(**fields) -> int:
        code = make_submission(**fields)
        with app.app_context():
            return db.session.scalar(select(Submission.id).where(Submission.tracking_code == code))

    return make


def in_english(app: Flask):
    """A request context reading English, so workflow messages can be matched."""
    return app.test_request_context(headers={"Cookie": "lang=en"})


def staff_user(person: Staff) -> User:
    """A staff account from the `staff` fixture, loaded in the current session."""
    user = db.session.scalar(select(User).where(User.email == person.email))
    assert user is not None
    return user


def signed_in(app: Flask, staff: dict[str, Staff], who: str) -> FlaskClient:
    """A separate browser: its own cookies, signed in as one staff member, reading English."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    response = client.post("/admin/login", data={"email": staff[who].email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def seen_version(page: str) -> str:
    """The version of the submission the detail page was drawn from, as its forms send it back."""
    match = re.search(r'name="version" value="(\d+)"', page)
    assert match, "the detail page's forms carry no version"
    return match.group(1)


def flashes(page: str) -> list[str]:
    return re.findall(r'class="flash flash-(?:success|error)" role="status">([^<]+)<', page)


def stored(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    assert submission is not None
    return submission


def put_in(submission: Submission, status: Status) -> None:
    """Arrange a starting status directly, as if the workflow had brought it there."""
    submission.status = status
    db.session.flush()
