"""Donated tables: a column's name can say what every value in it is; other cells go through the text detectors."""
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from gwangju_civic.privacy.addresses import generalise_address
from gwangju_civic.privacy.found import COORDINATE, PLACEHOLDERS, Masked
from gwangju_civic.privacy.numbers import integer_kind
from gwangju_civic.privacy.text import mask_text, round_coordinate, round_text_number

# Whole-column rules: a column's name says what every value in it is.
COLUMN_KINDS = {
    "name": {"name", "full_name", "fullname", "first_name", "last_name", "surname", "given_name", "donor",
             "reporter", "이름", "성명", "성함", "작성자", "신고자", "제보자", "민원인", "nom", "prénom", "prenom",
             "nom_complet"},
    "email": {"email", "e_mail", "mail", "email_address", "이메일", "메일", "이메일_주소", "전자우편", "courriel"},
    "phone": {"phone", "tel", "telephone", "mobile", "cell", "phone_number", "mobile_phone", "cell_phone",
              "mobile_number", "전화", "전화번호", "연락처", "휴대폰", "휴대폰번호", "핸드폰", "핸드폰번호", "휴대전화",
              "휴대전화번호", "téléphone", "portable"},
    "rrn": {"rrn", "jumin", "resident_registration_number", "주민등록번호", "주민번호"},
    "account": {"account", "account_number", "bank_account", "계좌", "계좌번호", "iban"},
    "card": {"card", "card_number", "카드", "카드번호"},
    "birth_date": {"birth_date", "birthdate", "date_of_birth", "dob", "birthday", "생년월일", "생일",
                   "date_de_naissance"},
    "address": {"address", "addr", "home_address", "street_address", "주소", "집주소", "도로명주소", "지번주소",
                "adresse"},
}
# "보호자 이름", "guardian_phone": a person's role, then one of the kinds above.
PERSON_ROLES = ("보호자", "신고자", "민원인", "담당자", "신청인", "대표자", "guardian", "parent", "contact", "owner",
                "applicant", "reporter", "emergency_contact")
LATITUDE_COLUMNS = {"lat", "latitude", "위도"}
LONGITUDE_COLUMNS = {"lon", "lng", "long", "longitude", "경도"}


@dataclass
class MaskedTable:
    columns: list[str]
    rows: list[list[Any]]
    # [row index, column index, [kinds]] for every changed cell, so the review page can highlight it
    marks: list[list[Any]]
    counts: dict[str, int]


def _kind_of_key(key: str) -> str | None:
    for kind, names in COLUMN_KINDS.items():
        if key in names:
            return kind
    return None


def column_kind(column: str) -> str | None:
    """What a column holds by its name alone: a personal-data kind, "latitude", "longitude" or None."""
    key = re.sub(r"[\s-]+", "_", column.strip().lower().rsplit(".", 1)[-1])
    kind = _kind_of_key(key)
    if kind is not None:
        return kind
    for role in PERSON_ROLES:
        if key.startswith(role) and key != role:
            return _kind_of_key(key[len(role):].lstrip("_"))
    if key in LATITUDE_COLUMNS:
        return "latitude"
    if key in LONGITUDE_COLUMNS:
        return "longitude"
    return None


def _coordinate(value: Any, precision: int) -> Masked | None:
    if isinstance(value, (int, float)):
        rounded = round_coordinate(float(value), precision)
        return Masked(rounded, [COORDINATE] if rounded != value else [])
    text = str(value).strip()
    if re.fullmatch(r"-?\d+(?:\.\d+)?", text):
        found: list[str] = []
        return Masked(round_text_number(text, precision, found), found)
    return None


def mask_value(column: str, value: Any, precision: int = 3) -> Masked:
    """Mask one cell: whole-column rules first, then the detectors on text and on bare integers."""
    if value is None or value == "" or isinstance(value, bool):
        return Masked(value)
    kind = column_kind(column)
    if kind == "address" and isinstance(value, str):
        return Masked(*generalise_address(value))
    if kind in PLACEHOLDERS:
        return Masked(PLACEHOLDERS[kind], [kind])
    if kind in ("latitude", "longitude"):
        rounded = _coordinate(value, precision)
        if rounded is not None:
            return rounded
    if isinstance(value, str):
        return mask_text(value, precision)
    if isinstance(value, int):
        number_kind = integer_kind(value)
        if number_kind is not None:
            return Masked(PLACEHOLDERS[number_kind], [number_kind])
    return Masked(value)


def mask_table(columns: list[str], rows: list[list[Any]], precision: int = 3) -> MaskedTable:
    counts: Counter[str] = Counter()
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
