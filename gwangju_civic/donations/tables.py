"""What every donated table passes through: its shape, the limits on reading it, and the error a donor sees."""
import time
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l


class DonationFileError(ValueError):
    """The upload cannot be used; `messages` are shown to the donor as they are."""

    def __init__(self, *messages) -> None:
        super().__init__(*messages)
        self.messages = list(messages)  # lazy strings, rendered in the language of whoever reads them

    def __str__(self) -> str:
        return "; ".join(str(message) for message in self.messages)


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]
    # Columns the campaign does not ask for, left out of `columns` and `rows` (the donor is told on review).
    dropped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Limits:
    """What one upload may ask of a worker: rows, columns, and seconds of parsing from `started`."""

    max_rows: int
    max_columns: int
    seconds: float
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def from_config(cls) -> "Limits":
        """The configured limits, with the clock starting now."""
        config = current_app.config
        return cls(config["DONATION_MAX_ROWS"], config["DONATION_MAX_COLUMNS"], config["DONATION_PARSE_SECONDS"])

    def check_time(self) -> None:
        if time.monotonic() - self.started >= self.seconds:
            raise DonationFileError(_l("This donation takes too long to check (more than %(n)s seconds): send less "
                                       "data at a time.", n=f"{self.seconds:g}"))

    def check_columns(self, count: int) -> None:
        if count > self.max_columns:
            raise DonationFileError(_l("The file has more than %(max)s columns.", max=self.max_columns))
