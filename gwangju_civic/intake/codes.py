"""Tracking codes: short, unguessable, and easy to read aloud over the phone."""
import re
import secrets

# No 0/O, 1/I/L: nothing a caller can confuse when reading the code aloud.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PREFIX = "GJ"
CODE_PATTERN = re.compile(r"^GJ-[%s]{4}-[%s]{4}$" % (ALPHABET, ALPHABET))


def new_tracking_code() -> str:
    """GJ-XXXX-XXXX: 31^8 (about 8.5e11) codes, drawn from the system's secure random source."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIX}-{body[:4]}-{body[4:]}"


def normalize_tracking_code(raw: str) -> str:
    """Accept what people type: lower case, spaces, missing dashes, O for 0 and I for 1 confusions."""
    cleaned = re.sub(r"[^0-9A-Za-z]", "", raw).upper()
    if cleaned.startswith(PREFIX):
        cleaned = cleaned[len(PREFIX):]
    if len(cleaned) != 8:
        return raw.strip().upper()
    return f"{PREFIX}-{cleaned[:4]}-{cleaned[4:]}"


def is_tracking_code(value: str) -> bool:
    return bool(CODE_PATTERN.match(value))
