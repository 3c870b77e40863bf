"""The map pages, the district filters of the public list and the staff queue, and the dashboard's district table."""
import re

import pytest

from gwangju_civic.security import tile_source

CITY_HALL = {"latitude": 35.1600, "longitude": 126.8526}  # Seo-gu
CHONNAM_UNIVERSITY = {"latitude": 35.1770, "longitude": 126.9105}  # Buk-gu


@pytest.mark.parametrize(("language", "title", "district"), [
    ("ko", "신고 지도", "자치구"), ("en", "Map of reports", "District"), ("fr", "Carte des signalements", "Arrondissement"),
])
def test_the_public_map_page_in_each_language(client, language, title, district):
    client.set_cookie("lang", language)
    page = client.get("/map").text
    assert title in page and district in page
    assert "vendor/leaflet/leaflet.js" in page and "vendor/leaflet.markercluster/leaflet.markercluster.js" in page
    assert "<script>" not in page and "unpkg" not in page and "cdn" not in page.lower()


def test_the_public_list_filters_by_district(client, make_submission):
    make_submission(title="Pothole at city hall", **CITY_HALL)
    make_submission(title="Pothole at the university", **CHONNAM_UNIVERSITY)
    client.set_cookie("lang", "en")
    page = client.get("/submissions?district=29170").text
    assert "Pothole at the university" in page and "Pothole at city hall" not in page
    assert "Buk-gu" in page


def test_the_staff_queue_filters_by_district_and_shows_it(client, auth, make_submission):
    make_submission(title="Pothole at city hall", **CITY_HALL)
    make_submission(title="Pothole at the university", **CHONNAM_UNIVERSITY)
    auth.login("admin")
    page = client.get("/admin/queue?district=29140").text
    assert "Pothole at city hall" in page and "Pothole at the university" not in page
    assert re.search(r"<td[^>]*>Seo-gu</td>", page)


def test_the_dashboard_counts_open_reports_per_10000_residents(client, auth, make_submission):
    for _ in range(2):
        make_submission(**CITY_HALL)
    make_submission()  # no point
    auth.login("admin")
    page = client.get("/admin/dashboard").text
    assert 'id="district-load"' in page and 'id="district-map"' in page
    # Seo-gu: 2 open reports for 248,147 residents
    assert 'data-code="29140" data-rate="0.081"' in page
    assert 'data-code="29110" data-rate="0.000"' in page
    assert "No point given" in page
    assert "Statistics Korea SGIS via vuski/admdongkor" in page


def test_an_officer_counts_only_their_department(client, auth, make_submission):
    make_submission(**CITY_HALL)  # not routed to roads: the roads officer does not see it
    auth.login("officer")
    assert 'data-code="29140" data-rate="0.000"' in client.get("/admin/dashboard").text


def test_the_report_form_offers_the_map_and_keeps_the_boxes_for_no_javascript(client):
    client.set_cookie("lang", "en")
    page = client.get("/report").text
    assert 'id="report-map"' in page and 'id="coordinate-boxes"' in page and 'name="latitude"' in page
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in page
    assert "Use my location" in page and "did not share your location" in page


@pytest.mark.parametrize(("template", "source"), [
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
    ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
    ("http://127.0.0.1:8123/{z}/{x}/{y}.png", "http://127.0.0.1:8123"),
    ("/tiles/{z}/{x}/{y}.png", ""),
])
def test_the_tile_host_comes_from_the_tile_url(template, source):
    assert tile_source(template) == source


@pytest.mark.app_config(MAP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png")
def test_the_content_security_policy_allows_the_configured_tile_host(client):
    policy = client.get("/map").headers["Content-Security-Policy"]
    assert "img-src 'self' https://tiles.example.org" in policy
    assert "script-src 'self';" in policy
