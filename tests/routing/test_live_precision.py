"""Auto-routing watches itself: staff verdicts are labels, a department under 90% pauses, and resumes on recovery."""
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Category, Department, RoutingLabel, Status, Submission, Urgency, User
from gwangju_civic.routing import precision
from gwangju_civic.submissions import workflow

POTHOLE = ("Deep pothole", "A deep pothole in the asphalt on Sangmu-daero damaged my tyre; cars swerve around it.")
NOISE = ("Construction noise", "Construction noise from the site next door starts at 6 am every day, even Sundays.")
PAUSE = pytest.mark.app_config(ROUTER_CONFIDENCE_THRESHOLD=0.3, ROUTER_PAUSE_MIN_LABELS=5)


@dataclass(frozen=True)
class Filed:
    id: int
    status: Status
    department: str | None


def submit(app, make_submission, text: tuple[str, str]) -> Filed:
    """File a report through the real intake (and the real router); what became of it."""
    code = make_submission(title=text[0], description=text[1])
    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
        return Filed(submission.id, submission.status, submission.department.code if submission.department else None)


def judge(app, submission_id: int, department_code: str) -> None:
    """A triager's decision (the real workflow the detail page calls), keeping the suggested category."""
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        category = db.session.scalar(select(Category).where(Category.code == submission.routing["category"]["label"]))
        department = db.session.scalar(select(Department).where(Department.code == department_code))
        triager = db.session.scalar(select(User).where(User.email == "triager@gwangju-civic.example"))
        workflow.decide_routing(submission, triager, category=category, department=department,
                                plan_priority=category.plan_priority, urgency=Urgency.P3)
        db.session.commit()


def roads_verdicts(app, make_submission, right: int, wrong: int) -> None:
    for index in range(right + wrong):
        submission = submit(app, make_submission, POTHOLE)
        assert submission.status == Status.ROUTED and submission.department == "roads"
        judge(app, submission.id, "roads" if index < right else "transport")


def test_wilson_interval():
    assert precision.wilson(0, 0) == (0.0, 1.0)
    low, high = precision.wilson(18, 20)
    assert round(low, 3) == 0.699 and round(high, 3) == 0.972
    assert precision.wilson(20, 20)[1] == 1.0 and precision.wilson(20, 20)[0] < 1.0


@PAUSE
def test_pause_below_90_percent_sends_only_that_department_to_triage_and_resumes(app, with_router, staff,
                                                                                 make_submission, auth, client):
    roads_verdicts(app, make_submission, right=4, wrong=1)  # 80% of 5 labels: under 90% with enough labels
    with app.app_context():
        roads = db.session.scalar(select(Department).where(Department.code == "roads"))
        state = precision.for_department(roads.id)
        assert (state.labels, state.correct, state.paused) == (5, 4, True)
    held = submit(app, make_submission, POTHOLE)
    with app.app_context():
        held = db.session.get(Submission, held.id)
        assert held.status == Status.NEEDS_TRIAGE and held.department is None
        notes = [e.message for e in held.events if e.action == "note"]
        assert notes and "auto-routing to roads is paused" in notes[0] and "4 of its last 5" in notes[0]
        assert db.session.scalar(select(RoutingLabel).where(RoutingLabel.submission_id == held.id)) is not None
    other = submit(app, make_submission, NOISE)
    assert other.status == Status.ROUTED and other.department == "environment"  # not affected

    auth.login("admin")
    page = client.get("/admin/router").get_data(as_text=True)
    assert 'id="precision-roads"' in page and "paused" in page and "80%" in page
    assert "38%–96%" in page  # Wilson 95% interval of 4/5
    assert 'class="chart reliability"' in page and "Reliability bins" in page  # diagram: SVG bars plus a table
    assert 'id="threshold-rule"' in page and "out of fold" in page  # how the threshold was chosen, once
    assert page.count('id="threshold-rule"') == 1
    assert " style=" not in page and "<script>" not in page  # the CSP allows neither

    judge(app, held.id, "roads")  # staff route the held report: a label that counts toward recovery
    for _ in range(4):
        judge(app, submit(app, make_submission, POTHOLE).id, "roads")  # held, judged right: 9/10 = 90%
    with app.app_context():
        state = precision.for_department(roads.id)
        assert (state.labels, state.correct, state.paused) == (10, 9, False)
    resumed = submit(app, make_submission, POTHOLE)
    assert resumed.status == Status.ROUTED and resumed.department == "roads"


@PAUSE
def test_the_latest_decision_counts_and_unrouted_reports_are_no_labels(app, with_router, staff, make_submission):
    submission = submit(app, make_submission, POTHOLE)
    judge(app, submission.id, "transport")
    judge(app, submission.id, "roads")  # reassigned back: one label, now right
    with app.app_context():
        label = db.session.scalar(select(RoutingLabel).where(RoutingLabel.submission_id == submission.id))
        assert label.correct is True and label.decided_by == "triager:triager@gwangju-civic.example"
        assert db.session.scalar(select(db.func.count()).select_from(RoutingLabel)) == 1


@PAUSE
def test_two_processes_read_the_same_pause_from_the_database(app, with_router, staff, make_submission, app_config):
    roads_verdicts(app, make_submission, right=3, wrong=2)
    script = (
        "import json; from gwangju_civic import create_app; from gwangju_civic.routing import precision;"
        "from gwangju_civic.models import Department; from gwangju_civic.extensions import db;"
        "from sqlalchemy import select; import sys; app = create_app(json.loads(sys.argv[1]));"
        "ctx = app.app_context(); ctx.push();"
        "roads = db.session.scalar(select(Department).where(Department.code == 'roads'));"
        "p = precision.for_department(roads.id); print(json.dumps([p.labels, p.correct, p.paused]))"
    )
    config = {key: value for key, value in app_config.items() if isinstance(value, str | int | float | bool)}
    result = subprocess.run([sys.executable, "-c", script, json.dumps(config)], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2], env={**os.environ, "HF_HUB_OFFLINE": "1"},
                            timeout=120, check=True)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [5, 3, True]
