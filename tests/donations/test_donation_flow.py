"""The donor's way through: upload, masked review, consent, receipt; nothing is kept before consent."""
import io
import json
import re

import pytest
from sqlalchemy import func, select

from gwangju_civic.donations import storage
from gwangju_civic.extensions import db
from gwangju_civic.models import Donation, DonationStatus
from tests.donations.conftest import NOISE_CSV
from tests.factories import image_bytes


def kept_files(folder) -> list:
    kept = folder / "kept"
    return sorted(kept.iterdir()) if kept.is_dir() else []


def test_a_csv_is_masked_reviewed_and_kept_only_after_consent(app, donor, make_campaign, donation_folder):
    campaign_id = make_campaign()
    page = donor.client.get("/donate/")
    assert "Night-time noise readings" in page.get_data(as_text=True)

    token = donor.token_of(donor.upload(campaign_id, NOISE_CSV))
    review = donor.client.get(f"/donate/review/{token}").get_data(as_text=True)
    assert "[PHONE]" in review and "[EMAIL]" in review and "35.146" in review
    assert "010-1234-5678" not in review and "jane.doe@example.org" not in review and "35.1460219" not in review

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Donation)) == 0
    preview = (donation_folder / "pending" / token / "preview.json").read_text()
    assert "010-1234-5678" not in preview and "jane.doe" not in preview and "35.1460219" not in preview
    assert kept_files(donation_folder) == []

    response = donor.client.post(f"/donate/review/{token}", data={
        "keep_row": ["0", "1"], "keep_column": ["measured_at", "noise_db", "latitude", "longitude"]})
    assert response.status_code == 303
    consent_page = donor.client.get(f"/donate/consent/{token}").get_data(as_text=True)
    assert "version 1" in consent_page and "조용함" not in consent_page and "[PHONE]" not in consent_page

    response = donor.consent(token)
    assert response.status_code == 303 and response.headers["Location"].endswith("/donate/receipt")
    receipt = donor.client.get("/donate/receipt").get_data(as_text=True)
    assert 'id="withdrawal-code">WD-' in receipt
    assert not (donation_folder / "pending" / token).exists()

    with app.app_context():
        donation = db.session.scalar(select(Donation))
        assert donation.status == DonationStatus.PENDING_REVIEW and donation.row_count == 2
        assert donation.columns == ["measured_at", "noise_db", "latitude", "longitude"]
        assert donation.masked_counts == {"coordinate": 4}
        assert donation.consent_version.version == 1 and donation.consent_version.is_signed
        data = storage.read_kept_json(donation.data_file.filename)
        assert data == {"columns": ["measured_at", "noise_db", "latitude", "longitude"],
                        "rows": [["2026-11-01T22:10:00", 68.5, 35.146, 126.923],
                                 ["2026-11-01T23:40:00", 71.2, 35.146, 126.923]]}
    assert len(kept_files(donation_folder)) == 1


def test_an_upload_nobody_consents_to_expires_and_is_deleted(app, donor, make_campaign, donation_folder, runner):
    campaign_id = make_campaign()
    token = donor.token_of(donor.upload(campaign_id))
    preview = donation_folder / "pending" / token / "preview.json"
    document = json.loads(preview.read_text())
    document["expires_at"] = "2000-01-01T00:00:00+00:00"
    preview.write_text(json.dumps(document))

    result = runner.invoke(args=["donations", "purge-expired"])
    assert result.exit_code == 0 and "1 expired pending upload(s) deleted" in result.output
    assert not (donation_folder / "pending" / token).exists()
    response = donor.client.get(f"/donate/review/{token}")
    assert response.status_code == 410 and "This upload has expired" in response.get_data(as_text=True)


def test_expired_uploads_are_also_purged_when_the_next_upload_arrives(donor, make_campaign, donation_folder):
    campaign_id = make_campaign()
    old = donor.token_of(donor.upload(campaign_id))
    preview = donation_folder / "pending" / old / "preview.json"
    preview.write_text(preview.read_text().replace('"expires_at": "2', '"expires_at": "1'))
    new = donor.token_of(donor.upload(campaign_id))
    assert sorted(p.name for p in (donation_folder / "pending").iterdir()) == [new]


@pytest.mark.app_config(PENDING_DONATION_TTL=0)
def test_with_no_time_to_live_a_preview_is_gone_at_once(donor, make_campaign):
    token = donor.token_of(donor.upload(make_campaign()))
    assert donor.client.get(f"/donate/review/{token}").status_code == 410
    assert donor.client.get(f"/donate/consent/{token}").status_code == 410


def test_only_the_uploading_browser_sees_its_preview(app, donor, make_campaign):
    token = donor.token_of(donor.upload(make_campaign()))
    stranger = app.test_client()
    assert stranger.get(f"/donate/review/{token}").status_code == 404
    assert stranger.post(f"/donate/consent/{token}", data={"agree": "y"}).status_code == 404
    assert stranger.get("/donate/receipt").status_code == 404
    assert donor.client.get("/donate/review/../../etc").status_code == 404


def test_donated_images_lose_exif_and_gps_and_the_donor_can_drop_one(app, donor, make_campaign, donation_folder):
    from gwangju_civic.donations.privacy import image_metadata
    from gwangju_civic.models import DonationKind

    campaign_id = make_campaign(asks=DonationKind.IMAGES, column_schema=None)
    response = donor.client.post(f"/donate/campaigns/{campaign_id}", content_type="multipart/form-data", data={
        "description": "Photos of the broken pavement in front of Yangdong market.",
        "images": [(io.BytesIO(image_bytes(gps=True)), "a.jpg"), (io.BytesIO(image_bytes("PNG")), "b.png")]})
    token = donor.token_of(response)
    review = donor.client.get(f"/donate/review/{token}").get_data(as_text=True)
    assert "Camera data (EXIF): <strong>1</strong>" in review and "GPS location: <strong>1</strong>" in review
    pending = list((donation_folder / "pending" / token).glob("*.jpg"))
    assert len(pending) == 1 and image_metadata(pending[0].read_bytes()) == []
    image_url = re.search(r'src="(/donate/review/[^"]+\.jpg)"', review).group(1)
    with donor.client.get(image_url) as served:
        assert served.status_code == 200 and served.mimetype == "image/jpeg"

    assert donor.client.post(f"/donate/review/{token}", data={"keep_row": ["0"]}).status_code == 303
    assert donor.consent(token).status_code == 303
    with app.app_context():
        donation = db.session.scalar(select(Donation))
        assert donation.row_count == 1 and donation.masked_counts == {"exif": 1, "gps": 1}
        (image,) = donation.images
        kept = donation_folder / "kept" / image.filename
        assert image.content_type == "image/jpeg" and image_metadata(kept.read_bytes()) == []
    assert [p.name for p in kept_files(donation_folder)] == [image.filename]


def test_the_description_is_masked_too(app, donor, make_campaign):
    token = donor.token_of(donor.upload(make_campaign(), description="Readings by 김철수님, call 010-1234-5678"))
    review = donor.client.get(f"/donate/review/{token}").get_data(as_text=True)
    assert "Readings by [NAME]님, call [PHONE]" in review and "Your description was masked too." in review
    donor.consent(token)
    with app.app_context():
        donation = db.session.scalar(select(Donation))
        assert donation.description == "Readings by [NAME]님, call [PHONE]"
        assert donation.masked_counts == {"coordinate": 4, "email": 1, "phone": 2, "name": 1}
