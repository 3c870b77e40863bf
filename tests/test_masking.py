"""The one masking engine (gwangju_civic.privacy): the case table, column rules, bare integers, whole tables.

The public pages' use of it is tested in tests/test_public_privacy.py; the donation review page's in tests/donations.
"""
import json

import pytest

from gwangju_civic.donations.privacy import image_metadata
from gwangju_civic.privacy import integer_kind, luhn_valid, mask_table, mask_text, mask_value, public_text
from tests.factories import image_bytes
from tests.masking_cases import HELD_OUT_CASES, MASKING_CASES

POSITIVE = [case for case in MASKING_CASES if case[2]]
NEGATIVE = [case for case in MASKING_CASES if not case[2]]
HELD_OUT_POSITIVE = [case for case in HELD_OUT_CASES if case[2]]
HELD_OUT_NEGATIVE = [case for case in HELD_OUT_CASES if not case[2]]
# The held-out set is never tuned on, so it is held to a rate, not case by case: a drop below it is a regression.
HELD_OUT_MIN_RECALL = 0.9
HELD_OUT_MAX_FALSE_POSITIVE_RATE = 0.05


def test_the_table_is_large_and_balanced():
    assert len(MASKING_CASES) >= 100 and len(POSITIVE) >= 60 and len(NEGATIVE) >= 35
    assert len(HELD_OUT_POSITIVE) >= 40 and len(HELD_OUT_NEGATIVE) >= 20
    assert not {case[0] for case in MASKING_CASES} & {case[0] for case in HELD_OUT_CASES}


@pytest.mark.parametrize(("text", "expected", "found"), MASKING_CASES, ids=[case[0] for case in MASKING_CASES])
def test_masking_table(text, expected, found):
    masked = mask_text(text)
    assert (masked.value, masked.found) == (expected, found)


def test_held_out_recall_and_false_positives():
    """Recall measured on cases the engine was not tuned on: the estimate bench/masking.py prints."""
    caught = [text for text, expected, _ in HELD_OUT_POSITIVE if mask_text(text).value == expected]
    altered = [text for text, _, _ in HELD_OUT_NEGATIVE if mask_text(text).value != text]
    assert len(caught) / len(HELD_OUT_POSITIVE) >= HELD_OUT_MIN_RECALL
    assert len(altered) / len(HELD_OUT_NEGATIVE) <= HELD_OUT_MAX_FALSE_POSITIVE_RATE, altered


COLUMN_CASES = [
    # a column's name says what every value is
    ("이름", "홍길동", "[NAME]", ["name"]),
    ("name", "Jane Doe", "[NAME]", ["name"]),
    ("보호자 이름", "홍길동", "[NAME]", ["name"]),
    ("연락처", "1234", "[PHONE]", ["phone"]),
    ("핸드폰", "010 1234 5678", "[PHONE]", ["phone"]),
    ("휴대전화", "01012345678", "[PHONE]", ["phone"]),
    ("mobile_phone", "anything", "[PHONE]", ["phone"]),
    ("guardian-phone", "anything", "[PHONE]", ["phone"]),
    ("email", "someone", "[EMAIL]", ["email"]),
    ("이메일 주소", "someone", "[EMAIL]", ["email"]),
    ("주민등록번호", "abc", "[RRN]", ["rrn"]),
    ("계좌번호", "3333-01-1234567", "[ACCOUNT]", ["account"]),
    ("card_number", "x", "[CARD]", ["card"]),
    ("생년월일", "1990-01-01", "[BIRTHDATE]", ["birth_date"]),
    # address columns keep the city, district and road, never the building number
    ("주소", "광주광역시 북구 용봉로 77", "광주광역시 북구 용봉로 ***", ["address"]),
    ("address", "Gwangju Buk-gu Yongbong-ro 77", "Gwangju Buk-gu Yongbong-ro ***", ["address"]),
    ("주소", "광주 북구 용봉동", "광주 북구 용봉동", []),
    ("주소", "광주 북구 용봉동 어딘가 3층", "광주 북구 용봉동 ***", ["address"]),
    ("address", "somewhere behind the market", "[ADDRESS]", ["address"]),
    # coordinates in lat/lon columns are rounded, as text or as numbers; nested JSON keys count too
    ("latitude", "35.1460219", "35.146", ["coordinate"]),
    ("위도", 35.1460219, 35.146, ["coordinate"]),
    ("lng", 126.9230121, 126.923, ["coordinate"]),
    ("location.lat", 35.12345, 35.123, ["coordinate"]),
    ("longitude", "126.92", "126.92", []),
    ("latitude", 35.1, 35.1, []),
    # other columns: the text detectors; empty and non-text values pass through
    ("note", "010-9876-5432", "[PHONE]", ["phone"]),
    ("category_name", "roads", "roads", []),
    ("noise_db", 68.5, 68.5, []),
    ("note", "", "", []),
    ("note", None, None, []),
    ("ok", True, True, []),
    # bare integers, as JSON and spreadsheets give them
    ("value", 9001011234567, "[RRN]", ["rrn"]),
    ("value", 501013456789, "[RRN]", ["rrn"]),  # 050101-3456789 without its leading 0
    ("value", 4111111111111111, "[CARD]", ["card"]),
    ("value", 1012345678, "[PHONE]", ["phone"]),  # 010-1234-5678 without its leading 0
    ("measured_at", 1704067200000, 1704067200000, []),  # a millisecond timestamp, not an RRN
    ("id", 1234567890123456789, 1234567890123456789, []),
    ("count", 42, 42, []),
]


@pytest.mark.parametrize(("column", "value", "expected", "found"), COLUMN_CASES)
def test_column_rules(column, value, expected, found):
    masked = mask_value(column, value)
    assert (masked.value, masked.found) == (expected, found)


def test_an_integer_that_starts_like_a_timestamp_is_an_rrn_only_with_a_valid_check_digit():
    assert integer_kind(1012013456788) == "rrn"  # 101201-3456788: a child born in 2010, check digit right
    assert integer_kind(1012013456789) is None


def test_numbers_in_a_donated_json_file_are_masked(runner, tmp_path):
    """Bare JSON numbers were published as given: an RRN, a card and a phone that lost its leading 0."""
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"who": 9001011234567, "paid_with": 4111111111111111, "tel": 1012345678,
                                 "noise_db": 68, "measured_at": 1704067200000}]))
    result = runner.invoke(args=["donations", "scan", str(path), "--json"])
    document = json.loads(result.output)
    assert document["rows"] == [["[RRN]", "[CARD]", "[PHONE]", 68, 1704067200000]]
    assert document["counts"] == {"rrn": 1, "card": 1, "phone": 1}


def test_coordinate_precision_is_configurable():
    assert mask_value("lat", 35.1460219, precision=2).value == 35.15
    assert mask_text("35.1460219, 126.9230121", precision=4).value == "35.1460, 126.9230"


def test_a_table_is_masked_cell_by_cell_with_marks_and_counts():
    masked = mask_table(["name", "note", "lat"], [["홍길동", "call 010-1234-5678", 35.1460219],
                                                  ["", "quiet", 35.1]])
    assert masked.rows == [["[NAME]", "call [PHONE]", 35.146], ["", "quiet", 35.1]]
    assert masked.marks == [[0, 0, ["name"]], [0, 1, ["phone"]], [0, 2, ["coordinate"]]]
    assert masked.counts == {"name": 1, "phone": 1, "coordinate": 1}


def test_public_text_is_the_masked_copy():
    assert public_text("전화 010-9876-5432, 주민번호 900101-1234567") == "전화 [PHONE], 주민번호 [RRN]"
    assert public_text(None) is None


def test_luhn():
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")


def test_image_metadata_is_detected():
    assert image_metadata(image_bytes(gps=True)) == ["exif", "gps"]
    assert image_metadata(image_bytes()) == []
    assert image_metadata(b"not an image") == []
