"""Staff read names in their language, never codes; times are Korea time in a Korean format; CSV opens in Excel."""
import csv
import io
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Status, Submission, User
from gwangju_civic.submissions import workflow

# Codes a person should never read (urgency labels start with their code, "P2 높음(3일)": checked apart).
RAW_CODES = ("sidewalk_damage", "PP17", "field_changed", "status_changed", "internal_note", "public_update", "admin:", "officer:",
             "needs_triage", "in_progress", "staff_assigned", "staff_routed", "embed_submissions")


class VisibleText(HTMLParser):
    """The text a person reads: no tags, attributes, scripts or option values."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(page: str) -> str:
    parser = VisibleText()
    parser.feed(page)
    return " ".join(parser.parts)


def codes_in(text: str) -> list[str]:
    return [code for code in RAW_CODES if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)]


@pytest.fixture
def worked_submission(app, roads_submission) -> int:
    """The roads report, re-routed, assigned, in progress and answered: every kind of trail entry."""
    from gwangju_civic.admin import lookups
    from gwangju_civic.models import Category, Department, PlanPriority, Urgency

    with app.app_context():
        submission = db.session.get(Submission, roads_submission)
        admin = db.session.scalar(select(User).where(User.email.startswith("admin")))
        officer = db.session.scalar(select(User).where(User.email.startswith("roads")))
        workflow.decide_routing(submission, admin, category=lookups.by_code(Category, "sidewalk_damage"),
                                department=lookups.by_code(Department, "roads"),
                                plan_priority=lookups.by_code(PlanPriority, "PP17"), urgency=Urgency.P1)
        workflow.assign(submission, admin, officer)
        workflow.move(submission, Status.IN_PROGRESS, officer)
        workflow.post_update(submission, officer, "이번 주에 보수합니다.")
        workflow.add_note(submission, admin, "확인 필요")
        db.session.commit()
    return roads_submission


@pytest.mark.parametrize("language", ["ko", "en", "fr"])
def test_staff_pages_name_everything_in_the_staff_language(client, auth, worked_submission, language):
    auth.login("admin")
    client.set_cookie("lang", language)
    for path in (f"/admin/submissions/{worked_submission}", "/admin/queue", "/admin/dashboard", "/admin/jobs"):
        text = visible(client.get(path).text)
        assert not codes_in(text), f"{path} [{language}] shows codes {codes_in(text)}"
        assert not re.search(r"(?<![\w-])P[1-4](?=\s*<|\s*$|\s{2})", text)  # an urgency code without its label
        assert "pothole →" not in text  # the category the report had before, named too
    detail = visible(client.get(f"/admin/submissions/{worked_submission}").text)
    expected = {"ko": ("관리자", "도로 파임(포트홀) →", "P1 긴급(24시간)", "담당자"),
                "en": ("Administrator", "Pothole →", "P1 urgent (24 hours)", "Assignee"),
                "fr": ("Administrateur", "Nid-de-poule →", "Agent responsable")}[language]
    for words in expected:
        assert words in detail


def test_korean_staff_read_korea_time_on_a_24_hour_clock(client, auth, worked_submission):
    auth.login("admin")
    client.set_cookie("lang", "ko")
    text = visible(client.get(f"/admin/submissions/{worked_submission}").text)
    assert re.search(r"\d{4}\. \d{1,2}\. \d{1,2}\. \d{2}:\d{2}", text)
    assert not re.search(r"\b(AM|PM) \d", text)


def test_workflow_refusals_are_in_the_staff_language(client, auth, roads_submission):
    auth.login("triager")
    client.set_cookie("lang", "ko")
    page = client.post(f"/admin/submissions/{roads_submission}/status", data={"status": "closed"},
                       follow_redirects=True).text
    assert "‘검토 중’ 상태에서 ‘종결’ 상태로 바꿀 수 없습니다." in page
    assert "cannot go from" not in page and "needs_triage" not in visible(page)
    page = client.post(f"/admin/submissions/{roads_submission}/status", data={"status": "rejected"},
                       follow_redirects=True).text
    assert "사유를 적어야 합니다." in page


@pytest.mark.parametrize(("language", "headers"), [
    ("ko", ("접수번호", "분야", "담당 부서", "긴급도")),
    ("en", ("Tracking code", "Category", "Department", "Urgency")),
    ("fr", ("Code de suivi", "Catégorie", "Service", "Urgence")),
])
def test_csv_export_has_a_bom_and_translated_headers_and_names(client, auth, worked_submission, language, headers):
    auth.login("admin")
    client.set_cookie("lang", language)
    body = client.get("/admin/export.csv").get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Korean Excel and Hancell read the file as UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    for header in headers:
        assert header in rows[0]
    assert not codes_in(" ".join(rows[1]))
    received = rows[1][rows[0].index(headers[0]) + 1]
    assert received.endswith("+09:00")  # Korea time, with its offset


def test_dashboard_charts_label_with_page_text(client, auth, worked_submission):
    auth.login("admin")
    page = client.get("/admin/dashboard").text
    assert 'font-size="11"' not in page
    priority_chart = page.split('id="chart-priority"')[1].split("</figure>")[0]
    assert '<span class="bar-label">17. ' in priority_chart  # the full name, not clipped at 26 characters
