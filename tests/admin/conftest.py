"""Admin fixtures: a submission already routed to the roads department."""
import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Submission


@pytest.fixture
def roads_submission(app, make_submission) -> int:
    """A pothole report routed by hand to the roads department (no trained router in these tests)."""
    from gwangju_civic.admin import lookups
    from gwangju_civic.models import Category, Department, PlanPriority, Urgency
    from gwangju_civic.submissions.operations import classify

    code = make_submission(title="Deep pothole on Mudeung-ro", contact_email="resident@example.org",
                           latitude=35.1460, longitude=126.9230)
    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
        classify(submission, category=lookups.by_code(Category, "pothole"),
                 department=lookups.by_code(Department, "roads"),
                 plan_priority=lookups.by_code(PlanPriority, "PP17"), urgency=Urgency.P2, actor="test")
        db.session.commit()
        return submission.id
