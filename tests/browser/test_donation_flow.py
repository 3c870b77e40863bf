"""The whole data donation in a real browser: a campaign, a masked CSV, consent, review, open-data ZIP built by a
real job worker process, withdrawal."""
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gwangju_civic.extensions import db
from gwangju_civic.models import Donation, DonationExport, DonationWithdrawal
from tests.browser.conftest import BUSY_MACHINE_TIMEOUT_MS, new_page
from tests.runtime.conftest import app_environment, processes, wait_until, worker_args  # noqa: F401  (fixture)
from tests.staff import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.app_config(WTF_CSRF_ENABLED=True)]

READINGS = (
    "measured_at,noise_db,latitude,longitude,note\n"
    "2026-11-01T22:10,68.5,35.1460219,126.9230121,창문 열고 측정 010-1234-5678\n"
    "2026-11-01T23:40,71.2,35.1461,126.9231,jane.doe@example.org\n"
    "2026-11-02T00:15,59.0,35.15,126.92,조용함\n"
)


@pytest.fixture
def app_config(app_config: dict, tmp_path: Path) -> dict:
    app_config["DONATION_FOLDER"] = str(tmp_path / "donations")
    return app_config


def sign_in(page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/lang/en?next=/admin/campaigns")
    page.wait_for_url("**/admin/login*")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/campaigns")


def create_campaign(page) -> None:
    page.click("text=New campaign")
    page.fill("input[name=title_ko]", "야간 소음 측정")
    page.fill("input[name=title_en]", "Night-time noise readings")
    page.fill("textarea[name=description_ko]", "밤에 집 근처에서 측정한 소음 값(데시벨)을 공유해 주세요.")
    page.fill("textarea[name=description_en]", "Share noise meter readings taken near your home at night.")
    page.select_option("select[name=plan_priority]", "PP17")
    page.select_option("select[name=department]", "environment")
    page.select_option("select[name=asks]", "csv")
    page.fill("textarea[name=column_schema]", "measured_at: datetime\nnoise_db: number\nlatitude: number\n"
                                              "longitude: number\nnote: string, optional")
    page.fill("textarea[name=consent_text_ko]", "야간 소음 지도 작성을 위해 측정값 제공에 동의합니다.")
    page.fill("textarea[name=consent_text_en]", "I give these readings to map night-time noise as open data.")
    page.fill("input[name=opens_on]", "2026-01-01")
    page.fill("input[name=closes_on]", "2036-12-31")
    page.fill("input[name=target_count]", "20")
    page.select_option("select[name=status]", "open")
    page.click("#campaign-form button[type=submit]")
    page.wait_for_url("**/admin/campaigns/*")
    assert "Campaign created." in page.inner_text(".flash")


def export_state(page) -> str:
    """Reload the campaign page (staff would) and read the export job's state from its class."""
    page.reload()
    classes = page.get_attribute("#export-job", "class") or ""
    return next((c.removeprefix("job-") for c in classes.split() if c.startswith("job-") and c != "job-state"), "")


def test_a_donor_gives_a_csv_staff_publish_it_and_the_donor_withdraws(app, live_server, browser, page, staff,
                                                                      tmp_path, processes):  # noqa: F811
    sign_in(page, live_server, staff["admin"].email)
    create_campaign(page)
    campaign_url = page.url

    donor = new_page(browser)
    donor.goto(f"{live_server}/lang/en?next=/donate/")
    assert "Night-time noise readings" in donor.inner_text("main")
    assert "0 of 20 donations" in donor.inner_text("main")
    donor.click("text=Donate data")
    readings = tmp_path / "readings.csv"
    readings.write_text(READINGS)
    donor.fill("textarea[name=description]", "Noise readings from my balcony in Sangmu-dong, every night.")
    donor.set_input_files("input[name=data_file]", str(readings))
    donor.click("#donation-form button[type=submit]")
    donor.wait_for_url("**/donate/review/*")

    table = donor.inner_text("table.donated-data")
    assert "[PHONE]" in table and "[EMAIL]" in table and "35.146" in table
    assert "010-1234-5678" not in donor.content() and "35.1460219" not in donor.content()
    assert "Phone numbers: 1" in donor.inner_text("#privacy-summary")
    donor.uncheck("input[name=keep_column][value=note]")
    donor.uncheck("input[name=keep_row][value='2']")
    donor.click("#review-form button[type=submit]")
    donor.wait_for_url("**/donate/consent/*")
    kept = donor.inner_text("#kept-data")
    assert "note" not in kept and "조용함" not in kept and "[PHONE]" not in kept
    assert "Consent text, version 1" in donor.inner_text("#consent-text")

    donor.click("#consent-form button[type=submit]")
    assert "Tick the box to consent" in donor.inner_text("#consent-form")
    donor.check("input[name=agree]")
    donor.click("#consent-form button[type=submit]")
    donor.wait_for_url("**/donate/receipt")
    code = donor.inner_text("#withdrawal-code").strip()
    assert code.startswith("WD-") and len(code) == 17

    page.goto(campaign_url)
    page.click("table.queue a")
    assert "[EMAIL]" not in page.inner_text("main")  # the note column was dropped by the donor
    page.select_option("#review-decision select[name=decision]", "accept")
    page.click("#review-decision button[type=submit]")
    assert "Donation accepted." in page.inner_text(".flash")
    page.click("#build-export")
    page.wait_for_url("**/admin/campaigns/*#exports")
    assert "Export queued." in page.inner_text(".flash")
    assert "job-queued" in page.get_attribute("#export-job", "class") and page.is_disabled("#build-export")

    # A real worker process; it first runs the fit check queued at consent (loading the sentence encoder).
    worker = processes("worker", worker_args(), app_environment(app))
    wait_until(lambda: export_state(page) in ("done", "failed") or worker.popen.poll() is not None,
               3 * BUSY_MACHINE_TIMEOUT_MS / 1000, "the job worker to build the export", interval=0.5)
    assert export_state(page) == "done", worker.output()
    assert "Export built: 2 rows." in page.inner_text("#export-job")
    with page.expect_download() as download:
        page.click("#export-job a.download")
    archive = zipfile.ZipFile(download.value.path())
    assert sorted(archive.namelist()) == ["README.md", "data.csv", "data.json", "datapackage.json"]
    assert json.loads(archive.read("datapackage.json"))["licenses"][0]["name"] == "CC-BY-4.0"
    header, first_row, _second_row = archive.read("data.csv").decode().splitlines()
    assert header == "donation_id,measured_at,noise_db,latitude,longitude,note"
    assert first_row.split(",", 1)[1] == "2026-11-01T22:10:00,68.5,35.146,126.923,"  # the donor dropped the note

    with app.app_context():
        stored = db.session.scalar(select(Donation)).data_file.filename
    kept_file = Path(app.config["DONATION_FOLDER"]) / "kept" / stored
    assert kept_file.exists()

    donor.goto(f"{live_server}/donate/withdraw")
    donor.fill("input[name=code]", code.lower())
    donor.check("input[name=confirm]")
    donor.click("#withdraw-form button[type=submit]")
    assert "Your donation has been deleted" in donor.inner_text("#withdrawn")
    assert not kept_file.exists()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Donation)) == 0
        assert db.session.scalar(select(func.count()).select_from(DonationWithdrawal)) == 1
        assert db.session.scalar(select(DonationExport)).stale

    page.goto(campaign_url)
    assert "Stale" in page.inner_text("#exports") and "Withdrawn\n1" in page.inner_text("#participation")
