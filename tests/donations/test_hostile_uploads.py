"""Uploads made to stall a worker or break what we store: each is refused at once with a clear message (4xx)."""
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from gwangju_civic import json_input
from gwangju_civic.donations import storage
from gwangju_civic.donations.schema import parse_schema
from gwangju_civic.extensions import db
from gwangju_civic.models import Donation, DonationKind
from tests.donations.conftest import NOISE_CSV
from tests.donations.test_validation import errors_of as _errors_of
from tests.factories import image_bytes


def errors_of(response) -> str:
    """The refusal page; a large upload is a temporary file the test client leaves open, so close it here."""
    response.request.input_stream.close()
    return _errors_of(response)


def header_only_csv(columns: int) -> bytes:
    names = ",".join(f"c{n}" for n in range(columns))
    return f"{names}\n{','.join('1' for _ in range(columns))}\n".encode()


def test_a_csv_with_200k_columns_is_refused_without_reading_it_column_by_column(donor, make_campaign):
    """1.3 MB, 200,000 columns: the quadratic header check held a worker for 732 s."""
    data = header_only_csv(200_000)
    assert len(data) > 1_300_000
    page = errors_of(donor.upload(make_campaign(column_schema=None), data))
    assert "The file has more than 200 columns." in page


@pytest.mark.app_config(DONATION_MAX_COLUMNS=3)
def test_the_column_limit_is_configured_and_applies_to_csv_and_flattened_json(donor, make_campaign):
    assert donor.upload(make_campaign(column_schema=None), header_only_csv(3)).status_code == 303
    page = errors_of(donor.upload(make_campaign(column_schema=None), header_only_csv(4)))
    assert "The file has more than 3 columns." in page
    json_campaign = make_campaign(asks=DonationKind.JSON, column_schema=None)
    for document in ([{"a": 1, "b": 2, "c": 3, "d": 4}], [{"a": 1, "b": 2}, {"c": 3, "d": 4}],
                     [{"a": 1, "where": {"lat": 35.1, "lon": 126.9, "floor": 3}}]):
        page = errors_of(donor.upload(json_campaign, json.dumps(document).encode(), filename="r.json"))
        assert "The file has more than 3 columns." in page


@pytest.mark.app_config(DONATION_PARSE_SECONDS=0)
def test_reading_stops_when_the_time_budget_is_spent(donor, make_campaign):
    message = "This donation takes too long to check (more than 0 seconds): send less data at a time."
    assert message in errors_of(donor.upload(make_campaign(), NOISE_CSV))
    json_campaign = make_campaign(asks=DonationKind.JSON, column_schema=None)
    assert message in errors_of(donor.upload(json_campaign, b'[{"db": 61}]', filename="r.json"))
    form_campaign = make_campaign(asks=DonationKind.FORM, column_schema=[
        {"name": "minutes", "type": "integer", "required": True}])
    assert message in errors_of(donor.client.post(f"/donate/campaigns/{form_campaign}", data={
        "description": "How long my commute to Sangmu-dong takes.", "answer_minutes": "40"}))


HOSTILE_JSON = [
    # (document, message): each was a 500 or was stored and made the exported data.json invalid
    ("[" * 100_000 + "]" * 100_000, "The JSON is nested more than 32 levels deep."),
    ('[{"a": ' + "[" * 40 + "1" + "]" * 40 + "}]", "The JSON is nested more than 32 levels deep."),
    ('[{"a": ' + "9" * 5000 + "}]", "The JSON contains a number with more than 40 digits."),
    ('[{"a": "\\ud800"}]', "The JSON contains an escaped character that is not valid Unicode text."),
    ('[{"\\udc00": 1}]', "The JSON contains an escaped character that is not valid Unicode text."),
    ('[{"a": NaN}]', "The JSON contains NaN, which is not a number JSON allows."),
    ('[{"a": Infinity}]', "The JSON contains Infinity, which is not a number JSON allows."),
    ('[{"a": -Infinity}]', "The JSON contains -Infinity, which is not a number JSON allows."),
    ('[{"a": 1e999}]', "The JSON contains 1e999, which is not a number JSON allows."),
]


@pytest.mark.parametrize(("document", "message"), HOSTILE_JSON, ids=[m[:30] + d[:8] for d, m in HOSTILE_JSON])
def test_hostile_json_is_refused_with_a_clear_message(app, donor, make_campaign, document, message):
    campaign_id = make_campaign(asks=DonationKind.JSON, column_schema=None)
    assert message in errors_of(donor.upload(campaign_id, document.encode(), filename="r.json"))
    with app.app_context():
        assert db.session.scalar(select(Donation)) is None


def test_hostile_json_sent_as_a_csv_is_named_json(donor, make_campaign):
    page = errors_of(donor.upload(make_campaign(), ("[" * 100_000 + "]" * 100_000).encode()))
    assert "This file is JSON, not a CSV file." in page


def test_the_scan_command_reports_hostile_json_instead_of_crashing(runner, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    result = runner.invoke(args=["donations", "scan", str(path), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["errors"] == ["The JSON is nested more than 32 levels deep."]


def test_json_with_ordinary_nesting_long_numbers_and_emoji_is_accepted(donor, make_campaign):
    campaign_id = make_campaign(asks=DonationKind.JSON, column_schema=None)
    document = '[{"db": 61.5, "card": 4111111111111111, "note": "\\ud83d\\ude00 quiet", "a": {"b": {"c": 1}}}]'
    review = donor.client.get(donor.upload(campaign_id, document.encode(), filename="r.json").headers["Location"])
    assert "a.b.c" in review.text and "😀 quiet" in review.text


def test_exports_are_valid_json_even_for_data_kept_before_non_numbers_were_refused(app, client, auth, donor,
                                                                                     make_campaign, run_jobs):
    campaign_id = make_campaign(asks=DonationKind.JSON, column_schema=None)
    donor.give(campaign_id, b'[{"db": 61.5}, {"db": 70}]', filename="r.json")
    with app.app_context():  # a kept file written by the old code, which let NaN through
        donation = db.session.scalar(select(Donation))
        path = storage.kept_root() / donation.data_file.filename
        path.write_text('{"columns": ["db"], "rows": [[NaN], [Infinity]]}')
    auth.login("admin")
    client.post(f"/admin/campaigns/{campaign_id}/donations/{donation.id}/review", data={"decision": "accept"})
    assert client.post(f"/admin/campaigns/{campaign_id}/exports").status_code == 303
    assert run_jobs() == 1
    with app.app_context():
        from gwangju_civic.models import DonationExport

        export = db.session.scalar(select(DonationExport))
        archive = zipfile.ZipFile(storage.exports_root() / export.filename)
    records = json_input.loads(archive.read("data.json").decode())  # refuses NaN and Infinity
    assert [record["db"] for record in records] == [None, None]
    with pytest.raises(ValueError):
        json_input.dumps({"db": float("nan")})


def test_crafted_row_numbers_on_the_review_page_are_ignored(donor, make_campaign):
    token = donor.token_of(donor.upload(make_campaign()))
    response = donor.client.post(f"/donate/review/{token}", data={
        "keep_row": ["9" * 5000, "²", "-1", "0"], "keep_column": ["measured_at", "noise_db", "latitude", "longitude"]})
    assert response.status_code == 303


def test_the_campaign_schema_has_the_same_column_limit(app):
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert len(parse_schema("\n".join(f"c{n}: string" for n in range(3)), max_columns=3)) == 3
        with pytest.raises(ValueError, match="At most 3 columns."):
            parse_schema("\n".join(f"c{n}: string" for n in range(4)), max_columns=3)


def test_masking_counts_against_the_same_time_budget(app, make_campaign):
    """Masking costs more than parsing (tens of seconds for 5 MB of digits), so the budget bounds it as well."""
    from gwangju_civic.donations.operations import prepare_table
    from gwangju_civic.donations.tables import DonationFileError, Limits, Table
    from gwangju_civic.models import Campaign

    campaign_id = make_campaign(column_schema=None)
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        campaign = db.session.get(Campaign, campaign_id)
        with pytest.raises(DonationFileError, match="takes too long"):
            prepare_table(campaign, "Noise readings", Table(["note"], [["010-1234-5678"]]), Limits(10, 10, 0))
        preview = prepare_table(campaign, "Noise readings", Table(["note"], [["010-1234-5678"]] * 250),
                                Limits(1000, 10, 60))
    assert len(preview.rows) == 250 and preview.counts == {"phone": 250}
    assert [mark[0] for mark in preview.marks] == list(range(250))  # row numbers survive the chunking


@pytest.mark.app_config(MAX_PHOTO_PIXELS=10_000)
def test_donated_images_have_the_same_pixel_cap_as_report_photos(donor, make_campaign):
    campaign_id = make_campaign(asks=DonationKind.IMAGES, column_schema=None)
    response = donor.client.post(f"/donate/campaigns/{campaign_id}", content_type="multipart/form-data", data={
        "description": "Photos of the broken pavement in front of the market.",
        "images": [(io.BytesIO(image_bytes("JPEG", size=(200, 100))), "pavement.jpg")]})
    assert "pavement.jpg is 200 × 100 pixels; images may have at most 0.01 megapixels." in errors_of(response)
    page = errors_of(donor.upload(make_campaign(), image_bytes("PNG", size=(200, 100)), filename="r.csv"))
    assert "This file is an image, not a CSV file." in page  # a too-large image is still named an image
