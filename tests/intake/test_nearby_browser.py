"""In Chromium: pinning a report next to an open one shows "Is it one of these? Follow it instead" with its link."""
import pytest

from gwangju_civic.routing.similarity import current_similarity, embed_pending
from tests.browser.conftest import browser, live_server  # noqa: F401  (shared fixtures)
from tests.geo.test_map_browser import app_config, map_page, tile_server  # noqa: F401

pytestmark = pytest.mark.browser
CITY_HALL = (35.1601, 126.8514)


def test_the_form_lists_open_reports_close_to_the_pin_with_a_follow_link(app, live_server, map_page,  # noqa: F811
                                                                           make_submission):
    make_submission(title="시청 앞 보도블록 파손", description="보도블록이 들떠 있어 걸려 넘어질 뻔했습니다.",
                    latitude=CITY_HALL[0], longitude=CITY_HALL[1], contact_email="kim@example.com")
    with app.app_context():
        current_similarity()
        embed_pending()
    page, problems = map_page
    page.goto(f"{live_server}/report")
    assert page.locator("#nearby").is_hidden()
    page.wait_for_selector("#report-map .leaflet-tile-loaded")
    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the map opens on City Hall
    page.fill("input[name=title]", "보도블록이 깨졌어요")
    page.wait_for_selector("#nearby:not([hidden])")
    assert "혹시 이 중에 같은 민원이 있나요?" in page.inner_text("#nearby h2")
    item = page.locator("#nearby li").first
    assert "시청 앞 보도블록 파손" in item.inner_text() and "kim@example.com" not in page.content()
    follow = item.locator("a.button")
    assert follow.inner_text() == "이 민원 구독하기" and follow.get_attribute("href").endswith("/follow")
    assert problems == []
