"""In Chromium: pin a report on the map (tiles served by the test, nothing leaves the machine), see its district
on the tracking page, then find the pin on the public map and the district map on the dashboard."""
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from PIL import Image
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Submission
from tests.browser.conftest import BUSY_MACHINE_TIMEOUT_MS
from tests.conftest import make_config

pytestmark = pytest.mark.browser


def tile_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (226, 232, 220)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def tile_server():
    """A local tile server: every /{z}/{x}/{y}.png is one plain tile; it counts what it served."""
    served: list[str] = []
    body = tile_png()

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):
            served.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", served
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def app_config(tmp_path, tile_server):
    base, _served = tile_server
    return make_config(tmp_path, MAP_TILE_URL=f"{base}/{{z}}/{{x}}/{{y}}.png", WTF_CSRF_ENABLED=True)


@pytest.fixture
def map_page(browser, live_server):
    """A Korean page that may reach only the loopback servers; CSP violations and page errors are collected."""
    context = browser.new_context(locale="ko-KR", viewport={"width": 390, "height": 844})
    context.set_default_timeout(BUSY_MACHINE_TIMEOUT_MS)
    problems: list[str] = []
    context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname == "127.0.0.1"
                  else (problems.append(f"outside request {route.request.url}"), route.abort()))
    page = context.new_page()
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page, problems
    context.close()


def test_pin_a_report_then_see_its_district_and_its_pin(app, live_server, map_page, tile_server, staff):
    page, problems = map_page
    _base, tiles_served = tile_server
    page.goto(f"{live_server}/report")
    assert page.locator("#coordinate-boxes").is_hidden()  # the boxes are only the no-JavaScript fallback
    page.wait_for_selector("#report-map .leaflet-tile-loaded")

    page.click("#use-location")  # the test never grants the permission: the resident is told, not left guessing
    page.wait_for_selector("#location-status:not([hidden])")
    page.wait_for_function("document.getElementById('location-status').textContent.includes('위치')")
    assert "지도에 핀을 꽂거나 주소를 입력해 주세요" in page.inner_text("#location-status")

    box = page.locator("#report-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the map opens on City Hall
    marker = page.locator("#report-map .leaflet-marker-icon")
    marker.wait_for()
    before = page.input_value("input[name=latitude]")
    pin = marker.bounding_box()
    page.mouse.move(pin["x"] + pin["width"] / 2, pin["y"] + pin["height"] - 4)
    page.mouse.down()
    page.mouse.move(pin["x"] + pin["width"] / 2 + 10, pin["y"] + pin["height"] + 16, steps=5)
    page.mouse.up()
    page.wait_for_function(f"document.querySelector('input[name=latitude]').value !== '{before}'")

    page.fill("input[name=title]", "보도블록 파손")
    page.fill("textarea[name=description]", "시청 앞 보도블록이 들떠 있어 걸려 넘어질 뻔했습니다.")
    page.click("button[type=submit]")
    page.wait_for_url("**/report/received/*")
    code = page.inner_text("#tracking-code").strip()
    page.goto(f"{live_server}/track/{code}")
    assert "서구" in page.inner_text(".summary")

    with app.app_context():
        submission = db.session.scalar(select(Submission).where(Submission.tracking_code == code))
        assert submission.district_code == "29140" and submission.address is None

    page.goto(f"{live_server}/map")
    page.wait_for_selector("#public-map[data-loaded='1']")
    page.locator("#public-map .leaflet-marker-icon").first.click()
    link = page.locator(".map-popup a")
    assert link.inner_text() == "보도블록 파손"
    assert link.get_attribute("href") == f"/submissions/{submission.id}"
    page.select_option("select[name=district]", "29110")  # Dong-gu: the pin goes away
    page.wait_for_selector("#public-map[data-loaded='0']")

    page.goto(f"{live_server}/admin/login")
    page.fill("input[name=email]", staff["admin"].email)
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("button[type=submit]")
    page.goto(f"{live_server}/admin/dashboard")
    page.wait_for_selector("#district-map[data-drawn='true']")
    assert page.locator("#district-map .district-label").count() == 5

    assert tiles_served, "the maps drew tiles from the local tile server"
    assert problems == []
