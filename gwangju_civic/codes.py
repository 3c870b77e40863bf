"""Readable codes handed to residents: short groups of unambiguous characters, drawn securely at random."""
import re
import secrets
from dataclasses import dataclass

# No 0/O, 1/I/L: nothing a caller can confuse when reading a code aloud over the phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUP = 4


@dataclass(frozen=True)
class CodeFormat:
    """PREFIX-XXXX-XXXX…: `groups` groups of four; 31^(4·groups) possible codes."""

    prefix: str
    groups: int

    @property
    def length(self) -> int:
        return GROUP * self.groups

    def new(self) -> str:
        return self._format("".join(secrets.choice(ALPHABET) for _ in range(self.length)))

    def normalize(self, raw: str) -> str:
        """Accept what people type: lower case, spaces, missing dashes, with or without the prefix."""
        cleaned = re.sub(r"[^0-9A-Za-z]", "", raw).upper().removeprefix(self.prefix)
        return self._format(cleaned) if len(cleaned) == self.length else raw.strip().upper()

    def matches(self, value: str) -> bool:
        body = value.removeprefix(f"{self.prefix}-").split("-")
        return (
            value.startswith(f"{self.prefix}-")
            and len(body) == self.groups
            and all(len(part) == GROUP and set(part) <= set(ALPHABET) for part in body)
        )

    def _format(self, body: str) -> str:
        return "-".join([self.prefix] + [body[i:i + GROUP] for i in range(0, self.length, GROUP)])


TRACKING_CODE = CodeFormat("GJ", 2)
WITHDRAWAL_CODE = CodeFormat("WD", 3)
