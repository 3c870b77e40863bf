"""A site with something on every page (a routed, assigned, updated report; open and draft campaigns; a donation)
and the helpers that walk it in Chromium: axe-core, horizontal overflow, languages, staff sign-in."""
import io
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from gwangju_civic.dates import city_today
from gwangju_civic.donations.campaigns import CampaignDraft, create_campaign
from gwangju_civic.extensions import db
from gwangju_civic.intake.services import receive
from gwangju_civic.models import (
    CampaignStatus,
    Category,
    Department,
    DonationKind,
    PlanPriority,
    Status,
    Submission,
    SubmissionKind,
    Urgency,
    User,
)
from gwangju_civic.submissions import workflow
from gwangju_civic.submissions.operations import SubmissionDraft
from tests.browser.conftest import BUSY_MACHINE_TIMEOUT_MS
from tests.staff import PASSWORD

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
LANGUAGES = ("ko", "en", "fr")
PHONE = {"width": 390, "height": 844}
SERIOUS = ("serious", "critical")
NOISE_CSV = b"measured_at,noise_db,note\n2026-11-01T22:10,68.5,quiet street 010-1234-5678\n2026-11-02T00:15,59.0,ok\n"
NOISE_SCHEMA = [{"name": "measured_at", "type": "datetime", "required": True},
                {"name": "noise_db", "type": "number", "required": True},
                {"name": "note", "type": "string", "required": False}]


@dataclass
class Site:
    code: str
    submission_id: int
    campaign_id: int
    draft_campaign_id: int
    paths: dict[str, list[str]] = field(default_factory=dict)


def _campaign(status: CampaignStatus, title: str) -> int:
    draft = CampaignDraft(
        title_ko=f"야간 소음 측정 {title}", title_en=f"Night-time noise readings {title}",
        description_ko="밤에 집 근처에서 측정한 소음 값(데시벨)을 공유해 주세요.",
        description_en="Share noise meter readings taken near your home at night.",
        plan_priority=db.session.scalar(select(PlanPriority).where(PlanPriority.code == "PP18")),
        department=db.session.scalar(select(Department).where(Department.code == "environment")),
        asks=DonationKind.CSV, column_schema=NOISE_SCHEMA, licence="CC-BY-4.0",
        opens_on=city_today() - timedelta(days=1), closes_on=city_today() + timedelta(days=30), target_count=10,
        status=status, consent_text_ko="야간 소음 지도를 위해 측정값 제공에 동의합니다.",
        consent_text_en="I give these readings to map night-time noise as open data.",
    )
    return create_campaign(draft, "test").id


def build_site(app) -> Site:
    """A report that went through routing, assignment, work and an update, plus two campaigns."""
    with app.test_request_context():
        code = receive(SubmissionDraft(
            kind=SubmissionKind.PROBLEM, title="보도블록이 깨져 있어요",
            description="금남로 4가 버스정류장 앞 보도블록이 깨져 걸려 넘어질 뻔했습니다.",
            address="광주 동구 금남로 4가", latitude=35.1485, longitude=126.9163)).tracking_code
        submission = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
        admin = db.session.scalar(select(User).where(User.email.startswith("admin")))
        officer = db.session.scalar(select(User).where(User.email.startswith("roads")))
        workflow.decide_routing(
            submission, admin, category=db.session.scalar(select(Category).where(Category.code == "sidewalk_damage")),
            department=db.session.scalar(select(Department).where(Department.code == "roads")),
            plan_priority=db.session.scalar(select(PlanPriority).where(PlanPriority.code == "PP17")),
            urgency=Urgency.P1)
        workflow.assign(submission, admin, officer)
        workflow.move(submission, Status.IN_PROGRESS, officer)
        workflow.post_update(submission, officer, "이번 주 안에 보수하겠습니다.")
        site = Site(code, submission.id, _campaign(CampaignStatus.OPEN, "A"), _campaign(CampaignStatus.DRAFT, "B"))
        db.session.commit()
        db.session.remove()
    site.paths = {
        "resident": ["/", "/report", "/track", f"/track/{code}", f"/report/received/{code}", "/submissions",
                     f"/submissions/{site.submission_id}", "/map", "/admin/login"],
        "donor": ["/donate/", f"/donate/campaigns/{site.campaign_id}", "/donate/withdraw"],
        "staff": ["/admin/queue", f"/admin/submissions/{site.submission_id}", "/admin/dashboard", "/admin/router",
                  "/admin/jobs", "/admin/campaigns", f"/admin/campaigns/{site.campaign_id}",
                  f"/admin/campaigns/{site.draft_campaign_id}", "/admin/campaigns/new",
                  f"/admin/campaigns/{site.campaign_id}/edit", "/admin/api-keys", "/admin/mail"],
    }
    return site


def phone_context(browser, base: str, language: str = "ko"):
    """A 390 px phone context that reaches only the loopback servers, with axe-core injected into every page."""
    context = browser.new_context(viewport=PHONE, locale="ko-KR", has_touch=True)
    context.set_default_timeout(BUSY_MACHINE_TIMEOUT_MS)
    context.set_default_navigation_timeout(BUSY_MACHINE_TIMEOUT_MS)
    context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname == "127.0.0.1"
                  else route.abort())
    context.add_init_script(path=str(AXE_JS))
    set_language(context, base, language)
    return context


def set_language(context, base: str, language: str) -> None:
    context.add_cookies([{"name": "lang", "value": language, "url": base}])


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/admin/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/**")


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the current page (WCAG 2.x A and AA rules and best practices)."""
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
            targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }""")


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no horizontal scrolling)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def too_wide(page) -> list[str]:
    """The innermost elements that stick out past the right edge of the screen, to say what overflows."""
    return page.evaluate("""() => Array.from(document.querySelectorAll("main *, header *"))
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                && !Array.from(e.children).some(c => c.getBoundingClientRect().right > window.innerWidth + 1)
                && !e.closest(".table-scroll, .leaflet-container"))
        .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
            (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : "") +
            " (" + Math.round(e.getBoundingClientRect().right) + " px)")""")


def upload_donation(page, base: str, campaign_id: int) -> None:
    """Step 1 of a donation in the browser; lands on the review page."""
    page.goto(f"{base}/donate/campaigns/{campaign_id}")
    page.fill("textarea[name=description]", "Noise readings from my balcony, every night for a week.")
    page.set_input_files("input[name=data_file]", files=[{"name": "readings.csv", "mimeType": "text/csv",
                                                            "buffer": io.BytesIO(NOISE_CSV).getvalue()}])
    page.click("#donation-form button[type=submit]")
    page.wait_for_url("**/donate/review/*")
