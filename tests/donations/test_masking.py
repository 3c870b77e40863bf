"""The masking table: what the review page and `flask donations scan` replace, and what they leave alone."""
import pytest

from gwangju_civic.donations.privacy import image_metadata, luhn_valid, mask_table, mask_text, mask_value
from tests.factories import image_bytes

MASKING_CASES = [
    # e-mail addresses
    ("mail me at jane.doe@example.co.kr please", "mail me at [EMAIL] please", ["email"]),
    ("kim_01+noise@gwangju.go.kr", "[EMAIL]", ["email"]),
    # Korean mobile numbers, in every way people write them
    ("010-1234-5678", "[PHONE]", ["phone"]),
    ("01012345678", "[PHONE]", ["phone"]),
    ("010 1234 5678", "[PHONE]", ["phone"]),
    ("010.1234.5678", "[PHONE]", ["phone"]),
    ("011-123-4567", "[PHONE]", ["phone"]),
    ("+82 10-1234-5678", "[PHONE]", ["phone"]),
    ("+82-10-1234-5678", "[PHONE]", ["phone"]),
    ("+82 (0)10 1234 5678", "[PHONE]", ["phone"]),
    ("연락처 010-1234-5678로 주세요", "연락처 [PHONE]로 주세요", ["phone"]),
    # landlines: Seoul 02, Gwangju 062, other area codes, 070
    ("02-123-4567", "[PHONE]", ["phone"]),
    ("02-1234-5678", "[PHONE]", ["phone"]),
    ("062-123-4567", "[PHONE]", ["phone"]),
    ("(062) 613-2114", "[PHONE]", ["phone"]),
    ("0621234567", "[PHONE]", ["phone"]),
    ("+82 62 123 4567", "[PHONE]", ["phone"]),
    ("031-8008-1234", "[PHONE]", ["phone"]),
    ("070-1234-5678", "[PHONE]", ["phone"]),
    # resident registration numbers (주민등록번호), also half-masked ones: birth date and sex still identify
    ("900101-1234567", "[RRN]", ["rrn"]),
    ("9001011234567", "[RRN]", ["rrn"]),
    ("900101 - 2345678", "[RRN]", ["rrn"]),
    ("주민번호 051231-3456789 입니다", "주민번호 [RRN] 입니다", ["rrn"]),
    ("900101-1******", "[RRN]", ["rrn"]),
    # card numbers (Luhn-valid only) and bank accounts
    ("4111 1111 1111 1111", "[CARD]", ["card"]),
    ("4111-1111-1111-1111", "[CARD]", ["card"]),
    ("5500000000000004", "[CARD]", ["card"]),
    ("110-123-456789", "[ACCOUNT]", ["account"]),
    ("1002-123-456789", "[ACCOUNT]", ["account"]),
    ("123456-01-123456", "[ACCOUNT]", ["account"]),
    ("302-1234-5678-91", "[ACCOUNT]", ["account"]),
    ("계좌 12345678901234", "계좌 [ACCOUNT]", ["account"]),
    ("account no. 123456789012", "account no. [ACCOUNT]", ["account"]),
    # names where detectable: labelled, with 씨/님, with an English title
    ("이름: 홍길동", "이름: [NAME]", ["name"]),
    ("Name: Jane Doe", "Name: [NAME]", ["name"]),
    ("김철수님이 신고했어요", "[NAME]님이 신고했어요", ["name"]),
    ("홍길동 씨 집 앞", "[NAME] 씨 집 앞", ["name"]),
    ("Mr. John Smith called", "Mr. [NAME] called", ["name"]),
    # coordinates written in text are rounded to 3 decimals (COORDINATE_PRECISION)
    ("35.1460219, 126.9230121", "35.146, 126.923", ["coordinate", "coordinate"]),
    ("GPS 35.1460219,126.9230121 here", "GPS 35.146,126.923 here", ["coordinate", "coordinate"]),
    # left alone: things that look like numbers but are not personal
    ("1234 5678 9012 3456", "1234 5678 9012 3456", []),  # not Luhn-valid: not a card
    ("2026-11-01", "2026-11-01", []),
    ("2026-11-01-2230", "2026-11-01-2230", []),
    ("1588-1234", "1588-1234", []),  # a company's nationwide number
    ("버스 720번, 68.5 dB", "버스 720번, 68.5 dB", []),
    ("인구 1,234,567명", "인구 1,234,567명", []),
    ("고객님, 선생님, 이사장님, 박사님께", "고객님, 선생님, 이사장님, 박사님께", []),
    ("file name: report", "file name: report", []),
    ("price 1.5, 2.25", "price 1.5, 2.25", []),
    ("991332-1234567", "991332-1234567", []),  # month 13: not a date, not an RRN
]


@pytest.mark.parametrize(("text", "expected", "found"), MASKING_CASES, ids=[case[0] for case in MASKING_CASES])
def test_masking_table(text, expected, found):
    masked = mask_text(text)
    assert (masked.value, masked.found) == (expected, found)


COLUMN_CASES = [
    # a column's name says what every value is
    ("이름", "홍길동", "[NAME]", ["name"]),
    ("name", "Jane Doe", "[NAME]", ["name"]),
    ("연락처", "1234", "[PHONE]", ["phone"]),
    ("email", "someone", "[EMAIL]", ["email"]),
    ("주민등록번호", "abc", "[RRN]", ["rrn"]),
    ("계좌번호", "3333-01-1234567", "[ACCOUNT]", ["account"]),
    ("card_number", "x", "[CARD]", ["card"]),
    # coordinates in lat/lon columns are rounded, as text or as numbers; nested JSON keys count too
    ("latitude", "35.1460219", "35.146", ["coordinate"]),
    ("위도", 35.1460219, 35.146, ["coordinate"]),
    ("lng", 126.9230121, 126.923, ["coordinate"]),
    ("location.lat", 35.12345, 35.123, ["coordinate"]),
    ("longitude", "126.92", "126.92", []),
    ("latitude", 35.1, 35.1, []),
    # other columns: the text detectors; empty and non-text values pass through
    ("note", "010-9876-5432", "[PHONE]", ["phone"]),
    ("noise_db", 68.5, 68.5, []),
    ("note", "", "", []),
    ("note", None, None, []),
    ("ok", True, True, []),
]


@pytest.mark.parametrize(("column", "value", "expected", "found"), COLUMN_CASES)
def test_column_rules(column, value, expected, found):
    masked = mask_value(column, value)
    assert (masked.value, masked.found) == (expected, found)


def test_coordinate_precision_is_configurable():
    assert mask_value("lat", 35.1460219, precision=2).value == 35.15
    assert mask_text("35.1460219, 126.9230121", precision=4).value == "35.1460, 126.9230"


def test_a_table_is_masked_cell_by_cell_with_marks_and_counts():
    masked = mask_table(["name", "note", "lat"], [["홍길동", "call 010-1234-5678", 35.1460219],
                                                  ["", "quiet", 35.1]])
    assert masked.rows == [["[NAME]", "call [PHONE]", 35.146], ["", "quiet", 35.1]]
    assert masked.marks == [[0, 0, ["name"]], [0, 1, ["phone"]], [0, 2, ["coordinate"]]]
    assert masked.counts == {"name": 1, "phone": 1, "coordinate": 1}


def test_luhn():
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")


def test_image_metadata_is_detected():
    assert image_metadata(image_bytes(gps=True)) == ["exif", "gps"]
    assert image_metadata(image_bytes()) == []
    assert image_metadata(b"not an image") == []
