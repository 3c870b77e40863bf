"""A resident files a report with a photo in a real browser, then follows it on the tracking page."""
import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Submission
from tests.factories import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]


def test_report_with_photo_then_track_it(app, live_server, page, tmp_path):
    photo = tmp_path / "streetlight.jpg"
    photo.write_bytes(image_bytes(gps=True))

    page.goto(f"{live_server}/")
    assert page.locator("html").get_attribute("lang") == "ko"
    page.click("a[href='/report']")
    page.fill("input[name=title]", "가로등 고장")
    page.fill("textarea[name=description]", "운암동 주민센터 앞 가로등이 일주일째 깜빡거리다 꺼졌습니다.")
    page.fill("input[name=address]", "광주 북구 운암동 주민센터 앞")
    page.set_input_files("input[name=photos]", str(photo))
    page.click("button[type=submit]")

    page.wait_for_url("**/report/received/*")
    code = page.inner_text("#tracking-code").strip()
    assert code.startswith("GJ-")

    page.click(f"a[href='/track/{code}']")
    page.wait_for_url(f"**/track/{code}")
    assert "가로등 고장" in page.inner_text("main")
    image = page.locator(".photos img")
    assert image.count() == 1
    assert image.evaluate("img => img.complete && img.naturalWidth") == 64

    page.click("a[lang=en]")
    assert "Report received" in page.inner_text(".timeline")
    page.screenshot(path=str(tmp_path / "tracking.png"))

    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
        assert len(submission.photos) == 1


def test_form_errors_show_in_the_browser_and_keep_what_was_typed(live_server, page):
    page.goto(f"{live_server}/lang/en?next=/report")
    page.fill("input[name=title]", "Broken bench")
    page.fill("textarea[name=description]", "short")
    page.click("button[type=submit]")
    assert "The description must be 10 to 5000 characters long." in page.inner_text("main")
    assert page.input_value("input[name=title]") == "Broken bench"
