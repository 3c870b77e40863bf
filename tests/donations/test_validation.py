"""Every error a donor or staff member can meet, each with its own clear message."""
import io
import json
import random
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from gwangju_civic.dates import city_today
from gwangju_civic.extensions import db
from gwangju_civic.models import CampaignStatus, Donation, DonationKind
from tests.donations.conftest import NOISE_CSV
from tests.factories import image_bytes

HEADER = "measured_at,noise_db,latitude,longitude,note\n"
ROW = "2026-11-01T22:10,68.5,35.146,126.923,ok\n"


def errors_of(response) -> str:
    """The page of a refused request; closing the response closes the test client's upload stream."""
    with response:
        assert response.status_code == 400, response.status_code
        return response.get_data(as_text=True)


UPLOAD_ERRORS = [
    # (campaign schema or None, file bytes, expected message)
    (True, b"", "The file is empty."),
    (True, b"\n  \n", "The file is empty."),
    (True, HEADER.encode(), "The file has a header but no rows."),
    (True, b"%PDF-1.7\n...", "This file is a PDF document, not a CSV file."),
    (True, b"PK\x03\x04rest-of-a-workbook", "This file is a ZIP archive or an Excel workbook, not a CSV file."),
    (True, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "This file is an old Excel or Word file, not a CSV file."),
    (True, image_bytes(), "This file is an image, not a CSV file."),
    (True, b"a,b\n\x00\x01\x02,3\n", "This is not a CSV file: it contains binary data."),
    (True, b'[{"noise_db": 1}]', "This file is JSON, not a CSV file."),
    (True, b"\xff\xfe\xfa\xfb,\x81\n", "The file is not text in UTF-8 or EUC-KR (CP949)."),
    (True, (HEADER + "2026-11-01T22:10,68.5,35.146\n").encode(),
     "Line 2 has 3 values but the header has 5 columns."),
    (True, (HEADER + '2026-11-01T22:10,68.5,35.146,126.923,"unclosed\n').encode(),
     "The CSV file is malformed near line 2 (an unclosed quote?)."),
    (None, b"a,,c\n1,2,3\n", "Column 2 has no name in the header row."),
    (None, b"a,b,a\n1,2,3\n", "The header names the column “a” twice."),
    (True, b"measured_at,noise_db\n2026-11-01T22:10,68.5\n", "Columns missing: latitude, longitude."),
    (True, b"measured_at,noise,latitude,longitude\n2026-11-01T22:10,68.5,35.146,126.923\n",
     "Columns this campaign does not ask for: noise. Expected: measured_at, noise_db, latitude, longitude, note."),
    (True, (HEADER + "2026-11-01T22:10,loud,35.146,126.923,\n").encode(),
     "Row 1: “noise_db” should be a number, not “loud”."),
    (True, (HEADER + "yesterday,68.5,35.146,126.923,\n").encode(),
     "Row 1: “measured_at” should be a date and time (YYYY-MM-DDTHH:MM), not “yesterday”."),
    (True, (HEADER + "2026-11-01T22:10,,35.146,126.923,\n").encode(), "Row 1: “noise_db” is empty."),
    (True, (HEADER + ROW * 4).encode(), "The file has more than 3 rows."),
    (True, (HEADER + "2026-11-01T22:10,NaN,35.146,126.923,\n").encode(),
     "Row 1: “noise_db” should be a number, not “NaN”."),  # JSON cannot write NaN: the export would be invalid
    (True, (HEADER + "2026-11-01T22:10,68.5,inf,126.923,\n").encode(),
     "Row 1: “latitude” should be a number, not “inf”."),
]


@pytest.mark.app_config(DONATION_MAX_ROWS=3)
@pytest.mark.parametrize(("with_schema", "data", "message"), UPLOAD_ERRORS,
                         ids=[case[2][:50] for case in UPLOAD_ERRORS])
def test_csv_upload_errors(donor, make_campaign, with_schema, data, message):
    campaign_id = make_campaign() if with_schema else make_campaign(column_schema=None)
    assert message in errors_of(donor.upload(campaign_id, data))


def test_schema_errors_are_all_reported_up_to_ten(donor, make_campaign):
    rows = "".join(f"2026-11-01T22:10,loud{n},35.146,126.923,\n" for n in range(12))
    page = errors_of(donor.upload(make_campaign(), (HEADER + rows).encode()))
    assert "Row 1: “noise_db” should be a number, not “loud0”." in page
    assert "Row 10: “noise_db” should be a number, not “loud9”." in page
    assert "loud10" not in page and "…and 2 more problems." in page


JSON_ERRORS = [
    (b"", "The file is empty."),
    (b'{"a": 1,}', "The JSON is not valid at line 1, column 9."),
    (b'[{"a": 1},\n {"a": 2]', "The JSON is not valid at line 2, column 9."),
    (b"42", "The JSON must be a list of records (objects with named fields)."),
    (b"[]", "The file has no records."),
    (b'[{"a": 1}, 2]', "Item 2 is not an object with named fields."),
    ("[{\"a\": \"\u00e9\"}]".encode("latin-1"), "The file is not UTF-8 text."),
    (NOISE_CSV, "The JSON is not valid at line 1, column 1."),
    (image_bytes("PNG"), "This file is an image, not a JSON file."),
]


@pytest.mark.parametrize(("data", "message"), JSON_ERRORS, ids=[case[1][:40] for case in JSON_ERRORS])
def test_json_upload_errors(donor, make_campaign, data, message):
    campaign_id = make_campaign(asks=DonationKind.JSON, column_schema=None)
    assert message in errors_of(donor.upload(campaign_id, data, filename="readings.json"))


def test_json_records_are_flattened_and_accepted(donor, make_campaign):
    campaign_id = make_campaign(asks=DonationKind.JSON, column_schema=None)
    document = {"records": [{"db": 61, "where": {"lat": 35.1460219, "lon": 126.9230121}, "tags": ["night"]}]}
    response = donor.upload(campaign_id, json.dumps(document).encode(), filename="r.json")
    page = donor.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "where.lat" in page and "35.146" in page and "35.1460219" not in page and "[&#34;night&#34;]" in page


def test_description_and_file_are_required(donor, make_campaign):
    page = errors_of(donor.upload(make_campaign(), None, description=""))
    assert "Say in a sentence what the data is." in page and "Choose a file to donate." in page
    page = errors_of(donor.upload(make_campaign(), NOISE_CSV, description="short"))
    assert "The description must be 10 to 1000 characters long." in page


@pytest.mark.app_config(DONATION_MAX_BYTES=2048)
def test_a_file_above_the_size_limit_is_refused(donor, make_campaign):
    big = HEADER + ROW * 60
    assert "readings.csv is larger than 2 KB." in errors_of(donor.upload(make_campaign(), big.encode()))


@pytest.mark.app_config(DONATION_MAX_IMAGES=2)
def test_image_upload_errors(donor, make_campaign):
    campaign_id = make_campaign(asks=DonationKind.IMAGES, column_schema=None)
    description = "Photos of the broken pavement in front of the market."

    def send(*files):
        data = {"description": description, "images": [(io.BytesIO(content), name) for name, content in files]}
        return donor.client.post(f"/donate/campaigns/{campaign_id}", data=data, content_type="multipart/form-data")

    assert "Choose at least one image." in errors_of(send())
    assert "notes.txt is not a JPEG, PNG or WebP image." in errors_of(send(("notes.txt", b"hello")))
    three = [(f"{n}.jpg", image_bytes()) for n in range(3)]
    assert "You can give at most 2 images at a time." in errors_of(send(*three))


def test_short_form_answers_are_checked_against_the_schema(donor, make_campaign):
    campaign_id = make_campaign(asks=DonationKind.FORM, column_schema=[
        {"name": "minutes", "type": "integer", "required": True},
        {"name": "mode", "type": "string", "required": True}])
    description = "How long my commute to Sangmu-dong takes every morning."
    page = errors_of(donor.client.post(f"/donate/campaigns/{campaign_id}", data={
        "description": description, "answer_minutes": "", "answer_mode": "bus"}))
    assert "Answer this question." in page
    page = errors_of(donor.client.post(f"/donate/campaigns/{campaign_id}", data={
        "description": description, "answer_minutes": "forty", "answer_mode": "bus"}))
    assert "Row 1: “minutes” should be a whole number, not “forty”." in page
    response = donor.client.post(f"/donate/campaigns/{campaign_id}", data={
        "description": description, "answer_minutes": "40", "answer_mode": "bus 010-1234-5678"})
    review = donor.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "bus [PHONE]" in review and ">40<" in review


def test_review_and_consent_errors(app, donor, make_campaign):
    token = donor.token_of(donor.upload(make_campaign(), NOISE_CSV))
    message = "Keep at least one row and one column, and every column the campaign requires."
    assert message in errors_of(donor.client.post(f"/donate/review/{token}", data={
        "keep_column": ["measured_at", "noise_db", "latitude", "longitude"]}))
    assert message in errors_of(donor.client.post(f"/donate/review/{token}", data={
        "keep_row": ["0"], "keep_column": ["measured_at", "noise_db", "latitude"]}))
    page = errors_of(donor.consent(token, agree=""))
    assert "Tick the box to consent, or leave the page to give nothing." in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Donation)) == 0


def test_withdrawal_errors(donor, make_campaign):
    code = donor.give(make_campaign())
    assert "Enter the code from your receipt." in errors_of(donor.client.post("/donate/withdraw", data={
        "code": "", "confirm": "y"}))
    assert "A withdrawal code looks like WD-XXXX-XXXX-XXXX." in errors_of(donor.client.post("/donate/withdraw", data={
        "code": "GJ-1234-5678", "confirm": "y"}))
    assert "No donation has this code. It may already have been withdrawn." in errors_of(donor.client.post(
        "/donate/withdraw", data={"code": "WD-2345-6789-ABCD", "confirm": "y"}))
    assert "Tick the box to confirm the deletion." in errors_of(donor.client.post("/donate/withdraw", data={
        "code": code}))


@pytest.mark.app_config(WITHDRAWAL_THROTTLE="2 per 15 minutes")
def test_guessing_withdrawal_codes_is_throttled(donor):
    for _ in range(2):
        assert donor.client.post("/donate/withdraw", data={"code": "WD-2345-6789-ABCD", "confirm": "y"}
                                 ).status_code == 400
    assert donor.client.post("/donate/withdraw", data={"code": "WD-2345-6789-ABCD", "confirm": "y"}).status_code == 429


def test_closed_draft_and_future_campaigns_take_no_donations(app, donor, make_campaign):
    with app.app_context():
        day = city_today()
    for campaign_id in (make_campaign(status=CampaignStatus.DRAFT), make_campaign(status=CampaignStatus.CLOSED),
                        make_campaign(opens_on=day + timedelta(days=1)),
                        make_campaign(opens_on=day - timedelta(days=9), closes_on=day - timedelta(days=1))):
        assert donor.client.get(f"/donate/campaigns/{campaign_id}").status_code == 404
        assert donor.upload(campaign_id, NOISE_CSV).status_code == 404
    assert "No campaign is open at the moment." in donor.client.get("/donate/").get_data(as_text=True)


@pytest.mark.app_config(DONATION_MAX_ROWS=2)
def test_a_json_file_with_too_many_records_is_refused(donor, make_campaign):
    campaign_id = make_campaign(asks=DonationKind.JSON, column_schema=None)
    page = errors_of(donor.upload(campaign_id, b'[{"a": 1}, {"a": 2}, {"a": 3}]', filename="r.json"))
    assert "The file has more than 2 rows." in page


@pytest.mark.app_config(DONATION_MAX_BYTES=2048)
def test_an_image_above_the_size_limit_is_refused(donor, make_campaign):
    campaign_id = make_campaign(asks=DonationKind.IMAGES, column_schema=None)
    noise = Image.frombytes("RGB", (64, 64), random.Random(5).randbytes(64 * 64 * 3))  # noise does not compress
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    big = buffer.getvalue()
    assert len(big) > 2048
    response = donor.client.post(f"/donate/campaigns/{campaign_id}", content_type="multipart/form-data", data={
        "description": "Photos of the broken pavement in front of the market.", "images": [(io.BytesIO(big), "big.png")]})
    assert "big.png is larger than 2 KB." in errors_of(response)


TYPE_CASES = [
    # (schema type, value as sent, converted value or the error shown)
    ("integer", "42", 42), ("integer", 42, 42), ("integer", "4.5", "should be a whole number, not “4.5”"),
    ("integer", True, "should be a whole number, not “True”"),
    ("number", "68.5", 68.5), ("number", 61, 61), ("number", "loud", "should be a number, not “loud”"),
    ("number", "nan", "should be a number, not “nan”"), ("number", "-Infinity", "should be a number, not “-Infinity”"),
    ("integer", "9" * 5000, f"should be a whole number, not “{'9' * 40}”"),
    ("boolean", "yes", True), ("boolean", "아니오", False), ("boolean", False, False),
    ("boolean", "maybe", "should be yes or no, not “maybe”"),
    ("date", "2026-11-01", "2026-11-01"), ("date", "01/11/2026", "should be a date (YYYY-MM-DD), not “01/11/2026”"),
    ("datetime", "2026-11-01 22:10", "2026-11-01T22:10:00"),
    ("string", 42, "42"), ("string", "텍스트", "텍스트"),
]


@pytest.mark.parametrize(("field_type", "value", "expected"), TYPE_CASES)
def test_values_are_converted_to_the_schema_type_or_refused(app, field_type, value, expected):
    from gwangju_civic.donations.schema import apply_schema
    from gwangju_civic.donations.tables import DonationFileError, Table

    schema = [{"name": "v", "type": field_type, "required": True}]
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        if isinstance(expected, str) and expected.startswith("should be"):
            with pytest.raises(DonationFileError) as refused:
                apply_schema(Table(["v"], [[value]]), schema)
            assert str(refused.value) == f"Row 1: “v” {expected}."
        else:
            assert apply_schema(Table(["v"], [[value]]), schema).rows == [[expected]]


def test_an_optional_column_may_be_missing_or_empty(app):
    from gwangju_civic.donations.schema import apply_schema
    from gwangju_civic.donations.tables import Table

    schema = [{"name": "a", "type": "integer", "required": True}, {"name": "b", "type": "string", "required": False}]
    with app.test_request_context():
        assert apply_schema(Table(["a"], [["1"]]), schema) == Table(["a"], [[1]])
        assert apply_schema(Table(["b", "a"], [["", "2"]]), schema) == Table(["a", "b"], [[2, None]])
