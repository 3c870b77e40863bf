"""Personal data in donated values: detected, replaced by a visible placeholder, and counted by kind."""
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from PIL import ExifTags, Image, UnidentifiedImageError

PLACEHOLDERS = {
    "email": "[EMAIL]",
    "rrn": "[RRN]",
    "card": "[CARD]",
    "phone": "[PHONE]",
    "account": "[ACCOUNT]",
    "name": "[NAME]",
}
COORDINATE = "coordinate"

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# 주민등록번호 (and the foreigner number of the same shape): YYMMDD, then 1-8 for century and sex, then six
# digits, or six asterisks when someone already half-masked it (birth date and sex still identify).
RRN = re.compile(r"(?<!\d)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[ ]?-?[ ]?[1-8](?:\d{6}|\*{6})(?!\d)")
CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
# Mobile (010, 011, 016-019), Seoul 02, the area codes 031-064 and 070, written 0XX or +82 X.
PHONE = re.compile(
    r"(?<![\d+-])(?:\+82[-. ]?(?:\(0\))?|\(?0)(?:1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70)\)?"
    r"[-. ]?\d{3,4}[-. ]?\d{4}(?!\d|-\d)"
)
ACCOUNT_DASHED = re.compile(r"(?<![\d-])\d{2,6}(?:-\d{2,7}){2,3}(?![\d-])")
ACCOUNT_AFTER_WORD = re.compile(
    r"((?:계좌(?:번호)?|통장|account(?:\s*(?:no\.?|number))?|acct\.?)\s*[:：#]?\s*)(\d[\d -]{8,18}\d)",
    re.IGNORECASE,
)
ISO_DATE_START = re.compile(r"^(?:19|20)\d\d-(?:0[1-9]|1[0-2])-")
# Common Korean surnames; a full name is the surname and one or two syllables, met before 씨 or 님.
SURNAMES = (
    "김이박최정강조윤장임한오서신권황안송전홍유고문양손배백허남심노하곽성차주우구민류나진지엄채원천방"
    "공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예봉사부"
)
KOREAN_NAME = re.compile(rf"(?<![가-힣])([{SURNAMES}][가-힣]{{1,2}})(?=\s?(?:씨|님))")
NOT_NAMES = {"구청장", "이사장", "부시장", "사무장", "조합장", "선생", "고객", "사장", "부장", "차장", "기사", "주민",
             "박사", "원장", "소장", "국장", "반장", "위원", "선배", "전문가", "관리인", "경비원", "여사", "이웃"}
LABELLED_NAME = re.compile(
    r"((?i:이름|성명|성함|작성자|신고자|name)\s*[:：]\s*)([가-힣]{2,4}|[A-Z][A-Za-z'-]+(?: [A-Z][A-Za-z'-]+){0,2})"
)
TITLED_NAME = re.compile(r"\b((?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+)[A-Z][a-z'-]+(?:[ -][A-Z][a-z'-]+)?")
COORDINATE_PAIR = re.compile(r"(?<![\d.])(-?\d{1,3}\.\d+)(\s*,\s*)(-?\d{1,3}\.\d+)(?![\d.])")

# Whole-column rules: a column's name says what every value in it is.
COLUMN_KINDS = {
    "name": {"name", "full_name", "fullname", "first_name", "last_name", "surname", "given_name", "donor",
             "reporter", "이름", "성명", "성함", "작성자", "신고자", "제보자"},
    "email": {"email", "e-mail", "mail", "이메일", "메일"},
    "phone": {"phone", "tel", "telephone", "mobile", "cell", "phone_number", "전화", "전화번호", "연락처", "휴대폰"},
    "rrn": {"rrn", "jumin", "resident_registration_number", "주민등록번호", "주민번호"},
    "account": {"account", "account_number", "bank_account", "계좌", "계좌번호"},
    "card": {"card", "card_number", "카드", "카드번호"},
}
LATITUDE_COLUMNS = {"lat", "latitude", "위도"}
LONGITUDE_COLUMNS = {"lon", "lng", "long", "longitude", "경도"}


@dataclass
class Masked:
    """A value as it will be kept, and the kinds of personal data that were taken out of it."""

    value: Any
    found: list[str] = field(default_factory=list)


@dataclass
class MaskedTable:
    columns: list[str]
    rows: list[list[Any]]
    # [row index, column index, [kinds]] for every changed cell, so the review page can highlight it
    marks: list[list[Any]]
    counts: dict[str, int]


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _replace(pattern: re.Pattern, text: str, kind: str, found: list[str], accept=None, keep_group: int = 0) -> str:
    """Replace each match (or, with keep_group, the part after that group) by the kind's placeholder."""

    def substitute(match: re.Match) -> str:
        if accept is not None and not accept(match.group(0)):
            return match.group(0)
        found.append(kind)
        return (match.group(keep_group) if keep_group else "") + PLACEHOLDERS[kind]

    return pattern.sub(substitute, text)


def _is_card(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    return 13 <= len(digits) <= 19 and luhn_valid(digits)


def _is_account(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    return 10 <= len(digits) <= 14 and not ISO_DATE_START.match(candidate)


def _mask_korean_names(text: str, found: list[str]) -> str:
    def substitute(match: re.Match) -> str:
        if match.group(1) in NOT_NAMES or len(match.group(1)) < 3:
            return match.group(0)
        found.append("name")
        return PLACEHOLDERS["name"]

    return KOREAN_NAME.sub(substitute, text)


def round_coordinate(value: float, precision: int) -> float:
    return round(value, precision)


def _round_text_number(text: str, precision: int, found: list[str]) -> str:
    decimals = len(text.split(".")[1]) if "." in text else 0
    if decimals <= precision:
        return text
    found.append(COORDINATE)
    return f"{round(float(text), precision):.{precision}f}"


def _round_pairs(text: str, precision: int, found: list[str]) -> str:
    """Round "lat, lon" or "lon, lat" pairs written inside text, e.g. "35.146021, 126.923012"."""

    def substitute(match: re.Match) -> str:
        first, separator, second = match.groups()
        if not all(abs(float(part)) <= 180 for part in (first, second)):
            return match.group(0)
        if min(abs(float(first)), abs(float(second))) > 90:
            return match.group(0)
        return _round_text_number(first, precision, found) + separator + _round_text_number(second, precision, found)

    return COORDINATE_PAIR.sub(substitute, text)


def mask_text(text: str, precision: int = 3) -> Masked:
    """Find and mask personal data in free text; the order matters (an RRN is also 13 digits)."""
    found: list[str] = []
    text = _replace(EMAIL, text, "email", found)
    text = _replace(RRN, text, "rrn", found)
    text = _replace(CARD, text, "card", found, accept=_is_card)
    text = _replace(PHONE, text, "phone", found)
    text = _replace(ACCOUNT_AFTER_WORD, text, "account", found, keep_group=1)
    text = _replace(ACCOUNT_DASHED, text, "account", found, accept=_is_account)
    text = _replace(LABELLED_NAME, text, "name", found, keep_group=1)
    text = _replace(TITLED_NAME, text, "name", found, keep_group=1)
    text = _mask_korean_names(text, found)
    text = _round_pairs(text, precision, found)
    return Masked(text, found)


def column_kind(column: str) -> str | None:
    """What a column holds by its name alone: a personal-data kind, "latitude", "longitude" or None."""
    key = column.strip().lower().rsplit(".", 1)[-1].replace(" ", "_")
    for kind, names in COLUMN_KINDS.items():
        if key in names:
            return kind
    if key in LATITUDE_COLUMNS:
        return "latitude"
    if key in LONGITUDE_COLUMNS:
        return "longitude"
    return None


def mask_value(column: str, value: Any, precision: int = 3) -> Masked:
    """Mask one cell: whole-column rules first, then the free-text detectors on strings."""
    if value is None or value == "" or isinstance(value, bool):
        return Masked(value)
    kind = column_kind(column)
    if kind in PLACEHOLDERS:
        return Masked(PLACEHOLDERS[kind], [kind])
    if kind in ("latitude", "longitude"):
        if isinstance(value, (int, float)):
            rounded = round_coordinate(float(value), precision)
            return Masked(rounded, [COORDINATE] if rounded != value else [])
        found: list[str] = []
        text = str(value).strip()
        if re.fullmatch(r"-?\d+(?:\.\d+)?", text):
            return Masked(_round_text_number(text, precision, found), found)
    if isinstance(value, str):
        return mask_text(value, precision)
    return Masked(value)


def mask_table(columns: list[str], rows: list[list[Any]], precision: int = 3) -> MaskedTable:
    counts: Counter = Counter()
    marks: list[list[Any]] = []
    masked_rows = []
    for r, row in enumerate(rows):
        masked_row = []
        for c, value in enumerate(row):
            masked = mask_value(columns[c], value, precision)
            masked_row.append(masked.value)
            if masked.found:
                marks.append([r, c, sorted(set(masked.found))])
                counts.update(masked.found)
        masked_rows.append(masked_row)
    return MaskedTable(list(columns), masked_rows, marks, dict(counts))


def image_metadata(data: bytes) -> list[str]:
    """Which metadata the original image carries (EXIF, GPS); the stored copy is re-encoded without it."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
            found = []
            if exif:
                found.append("exif")
            if exif.get_ifd(ExifTags.IFD.GPSInfo):
                found.append("gps")
            return found
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return []
