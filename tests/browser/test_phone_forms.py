"""The report form on a 390 px phone in Chromium: an error summary that takes the focus and links to each field,
red borders on every field in error, photos that must be attached again said so, one send per press, Korean that
wraps between words, and the step tracker on the tracking page."""
import pytest
from sqlalchemy import func, select

from gwangju_civic.extensions import db
from gwangju_civic.models import Submission
from tests.browser.site import build_site, overflow, phone_context
from tests.factories import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]
DANGER = "rgb(179, 38, 30)"


@pytest.fixture
def phone(browser, live_server):
    context = phone_context(browser, live_server)
    yield context.new_page()
    context.close()


def test_a_failed_send_focuses_a_summary_that_links_to_each_field(live_server, phone):
    phone.goto(f"{live_server}/report")
    phone.set_input_files("#photos", files=[{"name": "hole.jpg", "mimeType": "image/jpeg", "buffer": image_bytes()}])
    phone.click("#send-report")
    phone.wait_for_selector("#error-summary")
    # site.js moves the focus once the page has loaded: wait for it rather than for the element alone.
    phone.wait_for_function("document.activeElement && document.activeElement.id === 'error-summary'")
    links = phone.eval_on_selector_all("#error-summary a", "links => links.map(a => a.getAttribute('href'))")
    assert {"#title", "#description", "#address", "#photos"} <= set(links)
    assert "다시 첨부해 주세요" in phone.inner_text("#photos-again")  # the browser could not keep the file

    for name in ("title", "description"):
        field = phone.locator(f"#{name}")
        assert field.get_attribute("aria-invalid") == "true"
        assert f"{name}-error" in field.get_attribute("aria-describedby")
        assert phone.locator(f"#{name}-error").is_visible()
        assert field.evaluate("e => getComputedStyle(e).borderTopColor") == DANGER  # the input too, not only textarea
    assert phone.locator("label[for=title] .required").is_visible()

    phone.click("#error-summary a[href='#title']")
    assert phone.evaluate("document.activeElement.id") == "title"
    assert overflow(phone) <= 0


def test_the_send_button_says_sending_and_a_second_press_sends_nothing(app, live_server, phone):
    phone.goto(f"{live_server}/report")
    phone.check("#kind-0")
    phone.fill("#title", "가로등이 꺼졌어요")
    phone.fill("#description", "금남로 4가 버스정류장 앞 가로등이 사흘째 꺼져 있어 밤에 너무 어둡습니다.")
    phone.fill("#address", "광주 동구 금남로 4가")
    # Listening after the page's own handlers: count the sends the page let through, and keep this page here.
    phone.evaluate("""() => { window.sends = 0; window.addEventListener("submit", event => {
        if (!event.defaultPrevented) window.sends += 1; event.preventDefault(); }); }""")
    phone.click("#send-report")
    phone.wait_for_function("document.getElementById('send-report').disabled")
    assert phone.inner_text("#send-report") == "보내는 중…"
    assert phone.get_attribute("#send-report", "aria-disabled") == "true"
    phone.evaluate("document.getElementById('report-form').requestSubmit()")  # Enter in a field, say
    phone.click("#send-report", force=True)
    assert phone.evaluate("window.sends") == 1

    phone.goto(f"{live_server}/report")  # the real send, pressed twice quickly: one report
    phone.check("#kind-0")
    phone.fill("#title", "가로등이 꺼졌어요")
    phone.fill("#description", "금남로 4가 버스정류장 앞 가로등이 사흘째 꺼져 있어 밤에 너무 어둡습니다.")
    phone.fill("#address", "광주 동구 금남로 4가")
    phone.evaluate("() => { const b = document.getElementById('send-report'); b.click(); b.click(); }")
    phone.wait_for_url("**/report/received/*")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 1


def test_korean_wraps_between_words_and_the_tracker_shows_the_step(app, live_server, phone, staff):
    site = build_site(app)
    phone.goto(f"{live_server}/track/{site.code}")
    for link in phone.locator(".site-header nav a").all():  # "데이터 기부" on one line, not "데 / 이터 기부"
        assert link.evaluate("e => getComputedStyle(e).wordBreak") == "keep-all"
        assert link.bounding_box()["height"] <= 45, link.inner_text()
    steps = phone.locator("#steps li")
    assert steps.count() == 4
    assert [step.get_attribute("class") for step in steps.all()] == ["done", "done", "current", "todo"]
    assert "처리 중" in phone.inner_text("#steps li[aria-current=step]")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip-link"
    assert phone.locator(".skip-link").is_visible()
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main"
