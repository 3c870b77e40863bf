"""Numbers that identify a person: e-mail addresses, RRNs, cards, phones and bank accounts, written any way."""
import re

from gwangju_civic.privacy.found import replace

# The lookbehind starts a match only where a token starts, so a long run without "@" is scanned once, not n times.
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Dashes as typed: the hyphen, the Unicode hyphens, en and em dashes, the full-width hyphen, and the Hangul
# vowel ㅡ that Korean keyboards give for a dash; escaped, so it can go anywhere in a character class.
DASH = r"\-‐‑–—ㅡ－"
# 주민등록번호 (and the foreigner number of the same shape): YYMMDD, then 1-8 for century and sex, then six
# digits, or six asterisks when someone already half-masked it (birth date and sex still identify).
RRN_SHAPE = rf"\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[ ]*[{DASH}]?[ ]*[1-8](?:\d{{6}}|\*{{6}})"
RRN = re.compile(rf"(?<!\d){RRN_SHAPE}(?!\d)")
CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
# Between the groups of a phone number: nothing, a space, or a dash (any DASH) or dot with spaces around it.
SEP = rf"(?:[ ]*[{DASH}.][ ]*|[ ])?"
# Mobile (010, 011, 016-019), Seoul 02, the area codes 031-064 and 070, written 0XX or +82 X; an opening
# parenthesis belongs to the number only when it closes after the area code ((062) 613-2114).
PHONE = re.compile(
    rf"(?<![\d+{DASH}])(?:\+82{SEP}(?:\(0\))?{SEP}|(?P<paren>\()?0)(?:1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|70)"
    rf"(?(paren)\)|\)?)"
    rf"{SEP}\d{{3,4}}{SEP}\d{{4}}(?!\d|[{DASH}]\d)"
)
# A mobile number whose leading 0 a spreadsheet dropped: 1012345678, 10-1234-5678.
PHONE_WITHOUT_ZERO = re.compile(
    rf"(?<![\w+.,{DASH}])1[016789][{DASH}.]?\d{{3,4}}[{DASH}.]?\d{{4}}(?![\d,]|[.{DASH}]\d)"
)
# French and other international numbers: 06 12 34 56 78, +33 6 12 34 56 78, +1 415 555 0100.
PHONE_FRENCH = re.compile(r"(?<![\d+.-])0[1-9](?:[ .-]?\d{2}){4}(?![\d.-]\d|\d)")
PHONE_INTERNATIONAL = re.compile(r"(?<![\d+])\+(?!82)[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?!\d)")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b")
ACCOUNT_DASHED = re.compile(r"(?<![\d-])\d{2,6}(?:-\d{2,7}){2,3}(?![\d-])")
ACCOUNT_AFTER_WORD = re.compile(
    r"((?:계좌(?:번호)?|통장|account(?:\s*(?:no\.?|number))?|acct\.?|compte(?:\s*n[°o])?)\s*[:：#]?\s*)"
    r"(\d[\d -]{8,18}\d)",
    re.IGNORECASE,
)
# Bank accounts are 11 to 14 digits; a bare run that long is rarely anything else in a complaint.
ACCOUNT_BARE = re.compile(
    r"(?<![\d.,:/#-])\d{11,14}(?![\d,:/-]|\.\d|\s?(?:원|won|KRW|달러|유로|명|개|건|회|km|m\b|%))", re.IGNORECASE
)
ISO_DATE_START = re.compile(r"^(?:19|20)\d\d-(?:0[1-9]|1[0-2])-")
TIMESTAMP_START = re.compile(r"^(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def rrn_checksum_valid(digits: str) -> bool:
    """The check digit RRNs carried until October 2020."""
    total = sum(int(digit) * weight for digit, weight in zip(digits[:12], (2, 3, 4, 5, 6, 7, 8, 9) * 2, strict=False))
    return (11 - total % 11) % 10 == int(digits[12])


def _is_card(candidate: str) -> bool:
    """13 to 19 digits, Luhn-valid, and starting as card networks do (2-6 or 9 for Korean domestic cards)."""
    digits = re.sub(r"\D", "", candidate)
    return (
        13 <= len(digits) <= 19 and digits[0] in "234569" and luhn_valid(digits)
        and not TIMESTAMP_START.match(digits)
    )


def _is_account(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    return 10 <= len(digits) <= 14 and not ISO_DATE_START.match(candidate)


def _is_bare_account(candidate: str) -> bool:
    """Not a compact timestamp (20261101123000) nor a book or product barcode (978…)."""
    return not TIMESTAMP_START.match(candidate) and not candidate.startswith(("978", "979"))


def _is_phone_digits(candidate: str) -> bool:
    return 8 <= len(re.sub(r"\D", "", candidate)) <= 15


def mask_numbers(text: str, found: list[str]) -> str:
    """Mask identifying numbers; the order matters (an RRN is also 13 digits, a phone also an account shape)."""
    text = replace(EMAIL, text, "email", found)
    text = replace(RRN, text, "rrn", found)
    text = replace(CARD, text, "card", found, accept=_is_card)
    text = replace(PHONE, text, "phone", found)
    text = replace(PHONE_WITHOUT_ZERO, text, "phone", found)
    text = replace(PHONE_INTERNATIONAL, text, "phone", found, accept=_is_phone_digits)
    text = replace(PHONE_FRENCH, text, "phone", found)
    text = replace(IBAN, text, "account", found)
    text = replace(ACCOUNT_AFTER_WORD, text, "account", found, keep_group=1)
    text = replace(ACCOUNT_DASHED, text, "account", found, accept=_is_account)
    return replace(ACCOUNT_BARE, text, "account", found, accept=_is_bare_account)


def integer_kind(number: int) -> str | None:
    """What a bare JSON or spreadsheet integer is, if personal: an RRN (its leading 0 may be lost), a card
    number, or a mobile number that lost its leading 0. Counts, identifiers and timestamps stay: a 13-digit
    integer starting with 1 is more likely a millisecond timestamp, so there the RRN check digit must hold."""
    digits = str(abs(number))
    for candidate in (digits, "0" + digits):
        if len(candidate) == 13 and re.fullmatch(RRN_SHAPE, candidate):
            if not candidate.startswith("1") or rrn_checksum_valid(candidate):
                return "rrn"
    if _is_card(digits):
        return "card"
    if PHONE_WITHOUT_ZERO.fullmatch(digits) and len(digits) == 10:
        return "phone"
    return None
