"""Reading a POST requests body (form-encoded) into a draft: every rule of the spec, one clear error per field."""
import math
import re
from dataclasses import dataclass, field
from typing import Any

from gwangju_civic.geo.districts import district_at
from gwangju_civic.models import SubmissionKind
from gwangju_civic.models.submissions import DESCRIPTION_MAX_LENGTH

# The spec limits descriptions to 4,000 characters; ours allow more, so the spec's limit is the one applied.
MAX_DESCRIPTION = min(4000, DESCRIPTION_MAX_LENGTH)
TITLE_LENGTH = 80
CONTACT_FIELDS = ("first_name", "last_name", "device_id", "account_id", "address_id")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[\d\s().-]{6,40}$")
ATTRIBUTE = re.compile(r"^attribute\[([^\]]{1,60})\](\[\])?$")
MAX_ATTRIBUTES = 20


class Invalid(ValueError):
    """The request breaks a rule; `status` is 400 (bad field) or 404 (unknown service)."""

    def __init__(self, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.status = status


@dataclass
class PostedRequest:
    service_code: str
    kind: SubmissionKind
    description: str
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    media_url: str | None = None
    contact: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """Open311 has no title: the description's first line, cut at a word, else the service's code."""
        first = " ".join((self.description.splitlines() or [""])[0].split())
        if len(first) > TITLE_LENGTH:
            first = first[:TITLE_LENGTH].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"
        return first if len(first) >= 4 else f"{self.service_code}: {first}".strip(": ")


def _text(form, name: str, limit: int) -> str | None:
    value = (form.get(name) or "").strip()
    if len(value) > limit:
        raise Invalid(f"{name} must be at most {limit} characters")
    return value or None


def _coordinate(form, name: str, low: float, high: float) -> float | None:
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Invalid(f"{name} must be a decimal number") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise Invalid(f"{name} must be between {low:g} and {high:g}")
    return value


def parse_request(form) -> PostedRequest:
    """Everything but the key and whether the service exists (those need the database)."""
    service_code = _text(form, "service_code", 40)
    if not service_code:
        raise Invalid("service_code is required")
    latitude, longitude = _coordinate(form, "lat", -90, 90), _coordinate(form, "long", -180, 180)
    if (latitude is None) != (longitude is None):
        raise Invalid("lat and long must be sent together")
    if latitude is not None and district_at(latitude, longitude) is None:
        raise Invalid("lat/long is outside Gwangju's five districts")
    address = _text(form, "address_string", 300)
    contact = {name: value for name in CONTACT_FIELDS if (value := _text(form, name, 120))}
    if latitude is None and not address and "address_id" not in contact:
        raise Invalid("a location is required: lat and long, address_string or address_id")
    description = _text(form, "description", MAX_DESCRIPTION) or ""
    attributes = _attributes(form)
    kind_value = attributes.pop("kind", SubmissionKind.PROBLEM.value)
    if kind_value not in {kind.value for kind in SubmissionKind}:
        raise Invalid("attribute[kind] must be problem or idea")
    if len(description) < 10 and service_code == "other":
        raise Invalid("description is required (at least 10 characters) for the service other")
    email, phone = _text(form, "email", 254), _text(form, "phone", 40)
    if email and not EMAIL.match(email):
        raise Invalid("email is not a valid e-mail address")
    if phone and not PHONE.match(phone):
        raise Invalid("phone is not a valid phone number")
    media_url = _text(form, "media_url", 2000)
    if media_url and not re.match(r"^https?://[^\s<>\"]+$", media_url):
        raise Invalid("media_url must be an http or https URL")
    return PostedRequest(service_code=service_code, kind=SubmissionKind(kind_value), description=description,
                         latitude=latitude, longitude=longitude, address=address, email=email, phone=phone,
                         media_url=media_url, contact=contact, attributes=attributes)


def _attributes(form) -> dict[str, Any]:
    """attribute[code]=value, and attribute[code][]=value for multivaluelists."""
    found: dict[str, Any] = {}
    for name in form:
        match = ATTRIBUTE.match(name)
        if match is None:
            continue
        if len(found) >= MAX_ATTRIBUTES:
            raise Invalid(f"at most {MAX_ATTRIBUTES} attributes")
        values = [value.strip()[:500] for value in form.getlist(name)]
        found[match.group(1)] = values if match.group(2) else values[-1]
    kind = found.get("kind")
    if isinstance(kind, list):
        raise Invalid("attribute[kind] takes one value")
    return found
