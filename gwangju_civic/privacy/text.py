"""Free text: every detector in turn, so the donation portal and the public pages mask the same way."""
import re

from gwangju_civic.privacy.addresses import mask_addresses
from gwangju_civic.privacy.found import COORDINATE, Masked, replace
from gwangju_civic.privacy.names import mask_names
from gwangju_civic.privacy.numbers import mask_numbers

COORDINATE_PAIR = re.compile(r"(?<![\d.])(-?\d{1,3}\.\d+)(\s*,\s*)(-?\d{1,3}\.\d+)(?![\d.])")
DATE = r"\d{1,2}[-./]\d{1,2}[-./](?:19|20)\d{2}|(?:19|20)?\d{2}\s?[-./년]\s?\d{1,2}\s?[-./월]\s?\d{1,2}일?"
BIRTH_DATE = re.compile(
    rf"((?i:(?:생년월일|생일)(?:은|는|이)?|date of birth|birth ?date|DOB|né(?:e)? le|date de naissance)\s*[:：]?\s*)"
    rf"({DATE})"
)
PUBLIC_PRECISION = 3


def round_coordinate(value: float, precision: int) -> float:
    return round(value, precision)


def round_text_number(text: str, precision: int, found: list[str]) -> str:
    decimals = len(text.split(".")[1]) if "." in text else 0
    if decimals <= precision:
        return text
    found.append(COORDINATE)
    return f"{round(float(text), precision):.{precision}f}"


def _round_pairs(text: str, precision: int, found: list[str]) -> str:
    """Round "lat, lon" or "lon, lat" pairs written inside text, e.g. "35.146021, 126.923012"."""

    def substitute(match: re.Match[str]) -> str:
        first, separator, second = match.groups()
        if not all(abs(float(part)) <= 180 for part in (first, second)):
            return match.group(0)
        if min(abs(float(first)), abs(float(second))) > 90:
            return match.group(0)
        return round_text_number(first, precision, found) + separator + round_text_number(second, precision, found)

    return COORDINATE_PAIR.sub(substitute, text)


def mask_text(text: str, precision: int = PUBLIC_PRECISION) -> Masked:
    """Find and mask personal data in free text: numbers, then dates of birth, addresses, names, coordinates."""
    found: list[str] = []
    text = mask_numbers(text, found)
    text = replace(BIRTH_DATE, text, "birth_date", found, keep_group=1)
    text = mask_addresses(text, found)
    text = mask_names(text, found)
    text = _round_pairs(text, precision, found)
    return Masked(text, found)


def public_text(text: str | None) -> str | None:
    """The copy of a resident's or staff member's text that public pages show and search."""
    return None if text is None else mask_text(text).value
