"""Security headers on every response, no inline script or style for the CSP to allow, no caching of staff pages."""
import re

import pytest

from gwangju_civic.config import REPO_ROOT


def policy(response) -> dict[str, str]:
    directives = (part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    return {name: value for name, value in directives}


@pytest.mark.parametrize("path", ["/", "/report", "/submissions", "/track", "/donate/", "/admin/login",
                                  "/no-such-page", "/static/style.css"])
def test_every_response_carries_the_security_headers(client, path):
    with client.get(path) as response:  # a static file is streamed: close it
        pass
    csp = policy(response)
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'" and csp["object-src"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert csp["frame-ancestors"] == "'none'" and response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"  # tracking codes in URLs stay on this site
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS would mean nothing


def test_hsts_only_when_served_over_https(client):
    response = client.get("/", base_url="https://civic.gwangju.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.app_config(PROXY_COUNT=1)
def test_behind_a_trusted_proxy_https_is_seen_from_x_forwarded_proto(client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"})
    assert "Strict-Transport-Security" in response.headers


def test_a_forged_x_forwarded_proto_is_ignored_without_a_trusted_proxy(client):
    assert "Strict-Transport-Security" not in client.get("/", headers={"X-Forwarded-Proto": "https"}).headers


@pytest.mark.app_config(CSP_IMG_SRC="https://tiles.gwangju.example", MAP_TILE_URL="/tiles/{z}/{x}/{y}.png")
def test_image_hosts_such_as_a_map_tile_server_are_configurable(client):
    assert policy(client.get("/"))["img-src"] == "'self' https://tiles.gwangju.example"


def test_templates_and_scripts_have_nothing_inline_for_the_policy_to_allow():
    """Pages only: e-mail bodies (templates/email/) are never served, and mail readers need inline styles."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+\s*=|javascript:", re.IGNORECASE)
    found = [f"{path.relative_to(REPO_ROOT)}: {match.group(0)}"
             for path in (REPO_ROOT / "templates").rglob("*.html")
             if path.parent.name != "email"
             for match in inline.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def test_e_mail_bodies_carry_no_script():
    scripted = re.compile(r"<script\b|\son[a-z]+\s*=|javascript:", re.IGNORECASE)
    assert [path.name for path in (REPO_ROOT / "templates" / "email").glob("*.html")
            if scripted.search(path.read_text(encoding="utf-8"))] == []


def test_staff_pages_and_exports_are_never_cached(client, auth, make_submission):
    make_submission()
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    assert client.get("/admin/login").headers["Cache-Control"] == "no-store"
    auth.login("admin")
    for path in ("/admin/queue", "/admin/dashboard", "/admin/export.csv"):
        with client.get(path) as response:  # the CSV is streamed: close it
            assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store", path


def test_the_donors_withdrawal_page_is_never_cached(client):
    assert client.get("/donate/withdraw").headers["Cache-Control"] == "no-store"
