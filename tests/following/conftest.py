"""Following fixtures: public reports, reports of a department with a due date, and the outbox rows written."""
from datetime import datetime

import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Department, Notification, Status, Submission, Urgency, User


def outbox_rows(kind: str | None = None) -> list[Notification]:
    query = select(Notification).order_by(Notification.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query))


def by_code(code: str) -> Submission:
    return db.session.scalars(select(Submission).where(Submission.tracking_code == code)).one()


def user(email: str) -> User:
    return db.session.scalars(select(User).where(User.email == email)).one()


@pytest.fixture
def report(app, make_submission) -> int:
    """A public report (not hidden), filed with the resident's own address."""
    code = make_submission(title="Broken bench in Sajik Park", contact_email="filer@example.org")
    with app.app_context():
        return by_code(code).id


@pytest.fixture
def department_report(app, make_submission):
    """Make a report of a department, with a status and a due date, without writing events."""

    def make(department: str, due_at: datetime | None, status: Status = Status.ROUTED, title: str = "") -> int:
        code = make_submission(title=title or f"Report for {department}")
        with app.app_context():
            submission = by_code(code)
            submission.department = db.session.scalars(select(Department).where(Department.code == department)).one()
            submission.urgency, submission.due_at, submission.status = Urgency.P2, due_at, status
            db.session.commit()
            return submission.id

    return make
