"""The open-data ZIP: merged data of accepted donations, a datasheet README and a Frictionless datapackage.json."""
import csv
import io
import json
import zipfile

from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Donation, DonationExport, DonationKind, JobRun
from tests.factories import image_bytes

SECOND_CSV = (
    b"measured_at,noise_db,latitude,longitude\n"
    b"2026-11-03T21:00,64,35.1591234,126.8526789\n"
)


def accept_all_but_last(app, client, campaign_id: int) -> list[int]:
    with app.app_context():
        ids = list(db.session.scalars(select(Donation.id).order_by(Donation.id)))
    for donation_id in ids[:-1]:
        client.post(f"/admin/campaigns/{campaign_id}/donations/{donation_id}/review", data={"decision": "accept"})
    return ids[:-1]


def download(client, run_jobs, campaign_id: int) -> zipfile.ZipFile:
    """Queue the export, let the job run as the worker would, then download what it built."""
    assert client.post(f"/admin/campaigns/{campaign_id}/exports").status_code == 303
    assert run_jobs() == 1
    page = client.get(f"/admin/campaigns/{campaign_id}").get_data(as_text=True)
    assert 'class="job-state job-done"' in page and "Download ZIP" in page
    export_id = db_export_id(client.application)
    with client.get(f"/admin/campaigns/{campaign_id}/exports/{export_id}.zip") as response:
        assert response.mimetype == "application/zip"
        assert f"gwangju-campaign-{campaign_id}-export-{export_id}.zip" in response.headers["Content-Disposition"]
        return zipfile.ZipFile(io.BytesIO(response.data))


def db_export_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(DonationExport.id).order_by(DonationExport.id.desc()))


def test_the_zip_holds_merged_accepted_data_a_datasheet_and_a_datapackage(app, client, auth, donor, make_campaign,
                                                                          run_jobs):
    campaign_id = make_campaign()
    donor.give(campaign_id)
    donor.give(campaign_id, SECOND_CSV)
    donor.give(campaign_id)  # left waiting for review: not exported
    auth.login("admin")
    accepted = accept_all_but_last(app, client, campaign_id)
    archive = download(client, run_jobs, campaign_id)
    assert sorted(archive.namelist()) == ["README.md", "data.csv", "data.json", "datapackage.json"]

    rows = list(csv.DictReader(io.StringIO(archive.read("data.csv").decode())))
    assert [row["donation_id"] for row in rows] == [str(accepted[0])] * 3 + [str(accepted[1])]
    assert list(rows[0]) == ["donation_id", "measured_at", "noise_db", "latitude", "longitude", "note"]
    assert rows[0] == {"donation_id": str(accepted[0]), "measured_at": "2026-11-01T22:10:00", "noise_db": "68.5",
                       "latitude": "35.146", "longitude": "126.923", "note": "창문 열고 측정 [PHONE]"}
    assert rows[3]["note"] == "" and rows[3]["latitude"] == "35.159" and rows[3]["noise_db"] == "64.0"
    records = json.loads(archive.read("data.json"))
    assert len(records) == 4 and records[1]["note"] == "[EMAIL] 로 연락" and records[3]["note"] is None
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "010-1234-5678" not in everything and "jane.doe" not in everything and "35.1460219" not in everything

    readme = archive.read("README.md").decode()
    assert readme.startswith("# Night-time noise readings / 야간 소음 측정")
    for line in ("- Licence: Creative Commons Attribution 4.0 (CC-BY-4.0) https://creativecommons.org/licenses/by/4.0/",
                 "- Consent version(s): version 1 (2 donations)", "- Donations: 2 accepted",
                 "- Rows: 4", "- Plan priority: 18. Data-donation campaign", "## Consent text, version 1",
                 "- Coordinates were rounded to 3 decimals."):
        assert line in readme, line
    assert "- Date range of donations: " in readme and "Gwangju Metropolitan City, Environment" in readme

    package = json.loads(archive.read("datapackage.json"))
    assert package["profile"] == "tabular-data-package"
    assert package["name"] == f"gwangju-data-donation-campaign-{campaign_id}"
    assert package["licenses"] == [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                                    "path": "https://creativecommons.org/licenses/by/4.0/"}]
    data = next(r for r in package["resources"] if r["name"] == "data")
    assert (data["path"], data["format"], data["profile"]) == ("data.csv", "csv", "tabular-data-resource")
    assert data["schema"]["fields"] == [
        {"name": "donation_id", "type": "integer"}, {"name": "measured_at", "type": "datetime"},
        {"name": "noise_db", "type": "number"}, {"name": "latitude", "type": "number"},
        {"name": "longitude", "type": "number"}, {"name": "note", "type": "string"}]
    assert {r["path"] for r in package["resources"]} == {"data.csv", "data.json", "README.md"}
    with app.app_context():
        export = db.session.scalar(select(DonationExport))
        assert (export.donation_ids, export.row_count, export.stale) == (accepted, 4, False)


def test_an_image_campaign_exports_the_images_and_their_index(app, client, auth, donor, make_campaign, run_jobs):
    campaign_id = make_campaign(asks=DonationKind.IMAGES, column_schema=None, licence="CC0-1.0")
    for _ in range(2):
        response = donor.client.post(f"/donate/campaigns/{campaign_id}", content_type="multipart/form-data", data={
            "description": "Photos of the broken pavement in front of Yangdong market.",
            "images": [(io.BytesIO(image_bytes(gps=True)), "a.jpg"), (io.BytesIO(image_bytes("PNG")), "b.png")]})
        donor.consent(donor.token_of(response))
    auth.login("admin")
    (accepted,) = accept_all_but_last(app, client, campaign_id)
    archive = download(client, run_jobs, campaign_id)
    assert sorted(archive.namelist()) == ["README.md", "data.csv", "data.json", "datapackage.json",
                                          f"images/{accepted}-1.jpg", f"images/{accepted}-2.png"]
    from gwangju_civic.donations.privacy import image_metadata

    assert image_metadata(archive.read(f"images/{accepted}-1.jpg")) == []
    index = list(csv.DictReader(io.StringIO(archive.read("data.csv").decode())))
    assert [(r["file"], r["width"]) for r in index] == [(f"images/{accepted}-1.jpg", "64"),
                                                        (f"images/{accepted}-2.png", "64")]
    package = json.loads(archive.read("datapackage.json"))
    assert package["profile"] == "data-package" and package["licenses"][0]["name"] == "CC0-1.0"
    images = {r["name"]: r for r in package["resources"] if r["name"].startswith("images")}
    assert images["images-jpg"]["path"] == [f"images/{accepted}-1.jpg"]
    assert images["images-png"]["mediatype"] == "image/png"
    assert "- Rows: 2; images: 2" in archive.read("README.md").decode()


def test_nothing_accepted_means_nothing_to_export_and_no_job(app, client, auth, donor, make_campaign):
    campaign_id = make_campaign()
    donor.give(campaign_id)
    auth.login("triager")
    response = client.post(f"/admin/campaigns/{campaign_id}/exports", follow_redirects=True)
    assert "There are no accepted donations to export yet." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(JobRun).where(JobRun.kind == "export_build")) is None


def test_a_rejected_donation_makes_its_export_stale(app, client, auth, donor, make_campaign, run_jobs):
    campaign_id = make_campaign()
    donor.give(campaign_id)
    donor.give(campaign_id)
    auth.login("admin")
    (first,) = accept_all_but_last(app, client, campaign_id)
    download(client, run_jobs, campaign_id)
    client.post(f"/admin/campaigns/{campaign_id}/donations/{first}/review",
                data={"decision": "reject", "reason": "Duplicate of another upload"})
    with app.app_context():
        export = db.session.scalar(select(DonationExport))
        assert export.stale and export.stale_reason == "rejected" and export.filename is None
