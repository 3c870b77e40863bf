"""axe-core (vendored from the npm lock file) on every resident, donor and staff page in Korean, English and French,
on a 390 px phone: no serious or critical violation, and no page wider than the screen. One browser, one context
per side, pages reused; the table of results is printed (-s), and with AXE_REPORT=1 written to
docs/accessibility-axe.md."""
import os
import re
from pathlib import Path

import pytest

from tests.browser.site import (
    LANGUAGES,
    SERIOUS,
    axe_violations,
    build_site,
    overflow,
    phone_context,
    set_language,
    sign_in,
    too_wide,
    upload_donation,
)

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]
REPORT = Path(__file__).resolve().parents[2] / "docs" / "accessibility-axe.md"


@pytest.fixture
def app_config(app_config: dict, tmp_path: Path) -> dict:
    app_config["DONATION_FOLDER"] = str(tmp_path / "donations")
    return app_config


class Results:
    """Violations and overflow per page and language."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, list[dict]]] = {}
        self.wide: list[str] = []

    def check(self, page, path: str, language: str) -> None:
        name = re.sub(r"GJ-[A-Z0-9-]+", "<code>", path)  # the same table every run (ids start at 1 in each test)
        self.rows.setdefault(name, {})[language] = axe_violations(page)
        if (extra := overflow(page)) > 0:
            self.wide.append(f"{name} [{language}] is {extra} px wider than the phone: {too_wide(page)}")

    def serious(self) -> list[str]:
        return [f"{name} [{language}]: {v['id']} ({v['impact']}) {v['targets']}"
                for name, by_language in self.rows.items() for language, found in by_language.items()
                for v in found if v["impact"] in SERIOUS]

    def table(self) -> str:
        lines = ["| page | " + " | ".join(LANGUAGES) + " |", "| --- |" + " --- |" * len(LANGUAGES)]
        for name, by_language in self.rows.items():
            cells = []
            for language in LANGUAGES:
                found = by_language.get(language, [])
                cells.append(", ".join(f"{v['id']} ({v['impact']})" for v in found) or "0")
            lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
        return "\n".join(lines)


def walk_resident_and_donor(browser, base: str, site, results: Results) -> None:
    context = phone_context(browser, base)
    page = context.new_page()
    for language in LANGUAGES:
        set_language(context, base, language)
        for path in site.paths["resident"] + site.paths["donor"]:
            page.goto(base + path)
            results.check(page, path, language)
        page.goto(base + "/report")
        page.click("#report-form button[type=submit]")
        page.wait_for_selector("#error-summary")
        results.check(page, "/report (after a failed send)", language)
        upload_donation(page, base, site.campaign_id)
        results.check(page, "/donate/review/<token>", language)
        page.click("#review-form button[type=submit]")
        page.wait_for_url("**/donate/consent/*")
        results.check(page, "/donate/consent/<token>", language)
        page.check("#consent-form input[name=agree]")
        page.click("#consent-form button[type=submit]")
        page.wait_for_url("**/donate/receipt")
        results.check(page, "/donate/receipt", language)
    context.close()


def walk_staff(browser, base: str, site, email: str, results: Results) -> None:
    context = phone_context(browser, base)
    page = context.new_page()
    sign_in(page, base, email)
    for language in LANGUAGES:
        set_language(context, base, language)
        for path in site.paths["staff"]:
            page.goto(base + path)
            results.check(page, path, language)
        page.goto(f"{base}/admin/campaigns/{site.campaign_id}")
        page.locator("a[href*='/donations/']").first.click()
        page.wait_for_url("**/donations/*")
        results.check(page, "/admin/campaigns/<id>/donations/<id>", language)
    context.close()


def test_axe_finds_no_serious_violation_and_no_page_overflows_a_phone(app, live_server, browser, staff):
    site = build_site(app)
    results = Results()
    walk_resident_and_donor(browser, live_server, site, results)
    walk_staff(browser, live_server, site, staff["admin"].email, results)
    table = results.table()
    print("\naxe-core violations (page × language; serious and critical fail the test)\n" + table)
    if os.environ.get("AXE_REPORT") == "1":  # `AXE_REPORT=1 pytest tests/browser/test_axe.py` refreshes the doc
        REPORT.write_text("# axe-core on every page at 390 px\n\nWritten by `tests/browser/test_axe.py` "
                          "(axe-core from package-lock.json; every impact listed, serious and critical fail the "
                          "test).\n\n" + table + "\n")
    assert not results.serious(), "\n".join(results.serious())
    assert not results.wide, "\n".join(results.wide)
