"""Withdrawal: the code deletes the donation's bytes and rows; an audit record without personal data remains."""
import io
import zipfile

import sqlalchemy as sa
from sqlalchemy import func, select

from gwangju_civic.extensions import db
from gwangju_civic.models import Donation, DonationExport, DonationFile, DonationKind, DonationWithdrawal
from tests.factories import image_bytes


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_withdrawal_deletes_the_bytes_on_disk_and_the_rows(app, donor, make_campaign, donation_folder):
    campaign_id = make_campaign()
    code = donor.give(campaign_id)
    with app.app_context():
        donation = db.session.scalar(select(Donation))
        kept = donation_folder / "kept" / donation.data_file.filename
        donation_id, created_at = donation.id, donation.created_at
        assert code not in str(db.session.execute(sa.text("SELECT * FROM donations")).all())
    assert kept.exists() and b"68.5" in kept.read_bytes()

    typed = code.lower().replace("-", " ")
    response = donor.client.post("/donate/withdraw", data={"code": typed, "confirm": "y"})
    assert response.status_code == 200 and 'id="withdrawn"' in response.get_data(as_text=True)
    assert not kept.exists() and list((donation_folder / "kept").iterdir()) == []
    with app.app_context():
        assert count(Donation) == 0 and count(DonationFile) == 0
        audit = db.session.scalar(select(DonationWithdrawal))
        assert (audit.campaign_id, audit.donation_id, audit.row_count, audit.file_count) == (campaign_id, donation_id,
                                                                                            3, 1)
        assert audit.donated_at == created_at and audit.consent_version_id is not None
        columns = {c.name for c in DonationWithdrawal.__table__.columns}
        assert columns == {"id", "campaign_id", "consent_version_id", "donation_id", "status_at_withdrawal",
                           "row_count", "file_count", "stale_exports", "donated_at", "withdrawn_at"}
    assert donor.client.get("/donate/receipt").status_code == 404
    again = donor.client.post("/donate/withdraw", data={"code": code, "confirm": "y"})
    assert again.status_code == 400 and "It may already have been withdrawn." in again.get_data(as_text=True)


def test_withdrawing_images_deletes_the_image_files(app, donor, make_campaign, donation_folder):
    import re

    campaign_id = make_campaign(asks=DonationKind.IMAGES, column_schema=None)
    response = donor.client.post(f"/donate/campaigns/{campaign_id}", content_type="multipart/form-data", data={
        "description": "Photos of the broken pavement in front of Yangdong market.",
        "images": [(io.BytesIO(image_bytes(gps=True)), "a.jpg"), (io.BytesIO(image_bytes("WEBP")), "b.webp")]})
    donor.consent(donor.token_of(response))
    code = re.search(r'id="withdrawal-code">([^<]+)<', donor.client.get("/donate/receipt").text).group(1)
    assert len(list((donation_folder / "kept").iterdir())) == 2
    assert donor.client.post("/donate/withdraw", data={"code": code, "confirm": "y"}).status_code == 200
    assert list((donation_folder / "kept").iterdir()) == []
    with app.app_context():
        assert count(DonationFile) == 0 and db.session.scalar(select(DonationWithdrawal)).file_count == 2


def test_an_export_built_from_a_withdrawn_donation_is_marked_stale_and_deleted(app, client, auth, donor,
                                                                               make_campaign, donation_folder,
                                                                               run_jobs):
    campaign_id = make_campaign()
    first, second = donor.give(campaign_id), donor.give(campaign_id)
    auth.login("admin")
    with app.app_context():
        ids = list(db.session.scalars(select(Donation.id).order_by(Donation.id)))
    for donation_id in ids:
        client.post(f"/admin/campaigns/{campaign_id}/donations/{donation_id}/review", data={"decision": "accept"})
    client.post(f"/admin/campaigns/{campaign_id}/exports")
    assert run_jobs() == 1
    with app.app_context():
        export = db.session.scalar(select(DonationExport))
        archive = donation_folder / "exports" / export.filename
        assert export.donation_ids == ids and archive.exists()
    with client.get(f"/admin/campaigns/{campaign_id}/exports/{export.id}.zip") as download:
        assert zipfile.ZipFile(io.BytesIO(download.data)).namelist()

    assert donor.client.post("/donate/withdraw", data={"code": first, "confirm": "y"}).status_code == 200
    assert not archive.exists()
    with app.app_context():
        export = db.session.get(DonationExport, export.id)
        assert export.stale and export.filename is None
        assert export.stale_reason == "withdrawn"
        assert db.session.scalar(select(DonationWithdrawal)).stale_exports == 1
    response = client.get(f"/admin/campaigns/{campaign_id}/exports/{export.id}.zip", follow_redirects=True)
    assert "This export is stale and was deleted: build a new one." in response.text
    assert "Stale</span> a donation in it was withdrawn" in response.text

    client.post(f"/admin/campaigns/{campaign_id}/exports")
    assert run_jobs() == 1
    with app.app_context():
        fresh = db.session.scalar(select(DonationExport).where(DonationExport.stale.is_(False)))
        assert fresh.donation_ids == ids[1:]
    assert second.startswith("WD-")
