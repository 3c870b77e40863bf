"""A live server in a thread and Debian's headless Chromium driven by Playwright."""
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
# Every wait is sized for a busy 2-core machine: a click that triggers real work may take a while there.
BUSY_MACHINE_TIMEOUT_MS = 120_000


@pytest.fixture
def live_server(app):
    """Serve the test app on a free loopback port for the length of one test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or pytest.fail("Debian's chromium is missing: run `make test`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser):
    """A page in a fresh Korean-locale context, with waits sized for a busy machine."""
    context = browser.new_context(locale="ko-KR")
    context.set_default_timeout(BUSY_MACHINE_TIMEOUT_MS)
    context.set_default_navigation_timeout(BUSY_MACHINE_TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()
