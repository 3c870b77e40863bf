"""The browser fixtures (a live server, Debian's Chromium) for the map tests here."""
from tests.browser.conftest import browser, live_server  # noqa: F401
