"""Donation fixtures: a donation folder per test, campaigns made by the real service, a donor walking the flow."""
import html
import io
import itertools
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from gwangju_civic.dates import city_today
from gwangju_civic.donations.campaigns import CampaignDraft, create_campaign
from gwangju_civic.extensions import db
from gwangju_civic.models import CampaignStatus, Department, DonationKind, PlanPriority

NOISE_CSV = (
    "measured_at,noise_db,latitude,longitude,note\n"
    "2026-11-01T22:10,68.5,35.1460219,126.9230121,창문 열고 측정 010-1234-5678\n"
    "2026-11-01T23:40,71.2,35.1461,126.9231,jane.doe@example.org 로 연락\n"
    "2026-11-02T00:15,59.0,35.15,126.92,조용함\n"
).encode()
NOISE_SCHEMA = [
    {"name": "measured_at", "type": "datetime", "required": True},
    {"name": "noise_db", "type": "number", "required": True},
    {"name": "latitude", "type": "number", "required": True},
    {"name": "longitude", "type": "number", "required": True},
    {"name": "note", "type": "string", "required": False},
]
CONSENT_EN = "I give these readings to Gwangju City to map night-time noise. They will be published as open data."
CONSENT_KO = "광주광역시가 야간 소음 지도를 만들 수 있도록 측정값을 제공하며, 공공데이터로 공개되는 데 동의합니다."
_numbers = itertools.count(1)


@pytest.fixture
def app_config(app_config: dict, tmp_path: Path) -> dict:
    """Every test keeps donation files in its own temporary folder."""
    app_config.setdefault("DONATION_FOLDER", str(tmp_path / "donations"))
    return app_config


@pytest.fixture
def donation_folder(app) -> Path:
    return Path(app.config["DONATION_FOLDER"])


@pytest.fixture
def run_jobs(app):
    """`run_jobs()` takes the messages waiting on the test's queue and runs the export jobs among them with the real
    task, as the job worker does (claim, handler, commit); returns how many ran. Other kinds (the fit check, which
    loads the sentence encoder) are put back; retries sent with a delay stay scheduled."""
    from gwangju_civic.jobs import tasks
    from gwangju_civic.jobs.queue import huey
    from gwangju_civic.models import JobRun

    bound = tasks._app

    def run(kinds: tuple[str, ...] = ("export_build",)) -> int:
        tasks.bind(app)
        ran, others = 0, []
        while (task := huey.dequeue()) is not None:
            with app.app_context():
                kind = db.session.scalar(select(JobRun.kind).where(JobRun.id == task.args[0]))
            if kind in kinds:
                huey.execute(task)
                ran += 1
            else:
                others.append(task)
        for task in others:
            huey.enqueue(task)
        return ran

    yield run
    tasks._app = bound


@pytest.fixture
def make_campaign(app):
    """Create a campaign through the real service; open today, asking for the noise CSV unless told otherwise."""

    def make(**fields) -> int:
        with app.test_request_context():
            draft = CampaignDraft(
                title_ko=fields.pop("title_ko", f"야간 소음 측정 {next(_numbers)}"),
                title_en=fields.pop("title_en", "Night-time noise readings"),
                description_ko=fields.pop("description_ko", "밤에 집 근처에서 측정한 소음 값(데시벨)을 공유해 주세요."),
                description_en=fields.pop("description_en", "Share noise meter readings (decibels) taken near your "
                                                            "home at night, to map noise across Gwangju."),
                plan_priority=db.session.scalar(select(PlanPriority).where(PlanPriority.code == "PP18")),
                department=db.session.scalar(select(Department).where(Department.code == fields.pop("department",
                                                                                                   "environment"))),
                asks=fields.pop("asks", DonationKind.CSV),
                column_schema=fields.pop("column_schema", NOISE_SCHEMA),
                licence=fields.pop("licence", "CC-BY-4.0"),
                opens_on=fields.pop("opens_on", city_today() - timedelta(days=1)),
                closes_on=fields.pop("closes_on", city_today() + timedelta(days=30)),
                target_count=fields.pop("target_count", 10),
                status=fields.pop("status", CampaignStatus.OPEN),
                consent_text_ko=fields.pop("consent_text_ko", CONSENT_KO),
                consent_text_en=fields.pop("consent_text_en", CONSENT_EN),
            )
            assert not fields, f"unknown campaign fields {fields}"
            campaign = create_campaign(draft, "test")
            db.session.commit()
            return campaign.id

    return make


class Donor:
    """A resident's browser session going through upload, review and consent with the test client."""

    def __init__(self, client) -> None:
        self.client = client
        client.set_cookie("lang", "en")

    def upload(self, campaign_id: int, data: bytes | None = NOISE_CSV, filename: str = "readings.csv",
               description: str = "Noise readings from my balcony in Sangmu-dong, every night for a week.", **extra):
        form = {"description": description, **extra}
        if data is not None:
            form["data_file"] = (io.BytesIO(data), filename)
        return self.client.post(f"/donate/campaigns/{campaign_id}", data=form, content_type="multipart/form-data")

    def token_of(self, response) -> str:
        assert response.status_code == 303, response.get_data(as_text=True)
        return response.headers["Location"].rsplit("/", 1)[-1]

    def consent_fields(self, token: str) -> dict:
        page = self.client.get(f"/donate/consent/{token}").get_data(as_text=True)
        return {name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)
                for name in ("consent_version", "consent_digest")}

    def consent(self, token: str, **overrides):
        return self.client.post(f"/donate/consent/{token}", data={**self.consent_fields(token), "agree": "y",
                                                                 **overrides})

    def give(self, campaign_id: int, data: bytes = NOISE_CSV, **upload) -> str:
        """Upload, keep everything, consent; returns the withdrawal code from the receipt."""
        token = self.token_of(self.upload(campaign_id, data, **upload))
        response = self.consent(token)
        assert response.status_code == 303, response.get_data(as_text=True)
        receipt = self.client.get("/donate/receipt").get_data(as_text=True)
        return re.search(r'id="withdrawal-code">(WD-[A-Z0-9-]+)<', receipt).group(1)


@pytest.fixture
def donor(client) -> Donor:
    return Donor(client)


def campaign_form(**overrides) -> dict:
    """A valid campaign editor submission."""
    data = {
        "title_ko": "보도 파손 사진", "title_en": "Broken pavement photos",
        "description_ko": "부서진 보도블록 사진을 보내 주세요.", "description_en": "Send photos of broken pavement.",
        "plan_priority": "PP17", "department": "roads", "asks": "csv",
        "column_schema": "measured_at: datetime\nnoise_db: number\nnote: string, optional",
        "consent_text_ko": CONSENT_KO, "consent_text_en": CONSENT_EN, "licence": "CC-BY-4.0",
        "opens_on": "2026-01-01", "closes_on": "2036-12-31", "target_count": "50", "status": "open",
    }
    data.update(overrides)
    return data


def edit_form(client, campaign_id: int) -> dict:
    """What the editor shows for a campaign, as the form would send it back unchanged."""
    page = client.get(f"/admin/campaigns/{campaign_id}/edit").get_data(as_text=True)
    data = {}
    for name in ("title_ko", "title_en", "opens_on", "closes_on", "target_count"):
        data[name] = html.unescape(re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1))
    for name in ("description_ko", "description_en", "column_schema", "consent_text_ko", "consent_text_en"):
        data[name] = html.unescape(re.search(rf'name="{name}"[^>]*>\n?(.*?)</textarea>', page, re.DOTALL).group(1))
    for name in ("plan_priority", "department", "asks", "licence", "status"):
        select_html = re.search(rf'name="{name}".*?</select>', page, re.DOTALL).group(0)
        data[name] = re.search(r'<option selected value="([^"]*)"', select_html).group(1)
    return data
