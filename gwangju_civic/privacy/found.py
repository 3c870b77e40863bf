"""What a masking step returns and the placeholders it leaves, shared by every detector."""
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PLACEHOLDERS = {
    "email": "[EMAIL]",
    "rrn": "[RRN]",
    "card": "[CARD]",
    "phone": "[PHONE]",
    "account": "[ACCOUNT]",
    "name": "[NAME]",
    "birth_date": "[BIRTHDATE]",
    "address": "[ADDRESS]",
}
# A building, lot or flat number: the rest of the address (city, district, road) stays readable.
HIDDEN_NUMBER = "***"
COORDINATE = "coordinate"


@dataclass
class Masked:
    """A value as it will be kept, and the kinds of personal data that were taken out of it."""

    value: Any
    found: list[str] = field(default_factory=list)


def replace(
    pattern: re.Pattern[str],
    text: str,
    kind: str,
    found: list[str],
    accept: Callable[[str], bool] | None = None,
    keep_group: int = 0,
) -> str:
    """Replace each match (or, with keep_group, the part after that group) by the kind's placeholder."""

    def substitute(match: re.Match[str]) -> str:
        if accept is not None and not accept(match.group(0)):
            return match.group(0)
        found.append(kind)
        return (match.group(keep_group) if keep_group else "") + PLACEHOLDERS[kind]

    return pattern.sub(substitute, text)
