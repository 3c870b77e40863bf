"""Donation files on disk: masked previews awaiting consent (pending/, with an expiry), kept files and exports."""
import json
import logging
import re
import secrets
import shutil
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app

from gwangju_civic import json_input
from gwangju_civic.models import utcnow

log = logging.getLogger(__name__)

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{24,64}$")
PREVIEW = "preview.json"


@dataclass
class PendingUpload:
    """What the review page shows: already masked; the raw upload itself is never written anywhere."""

    token: str
    campaign_id: int
    kind: str
    description: str
    description_counts: dict[str, int] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    marks: list[list[Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    images: list[dict[str, Any]] = field(default_factory=list)
    # Drawn at upload, so every consent request for this preview (a double click, a retry) gives the same code.
    withdrawal_code: str = ""
    keep_rows: list[int] | None = None
    keep_columns: list[str] | None = None
    dropped_columns: list[str] = field(default_factory=list)  # not asked for by the campaign: never kept
    expires_at: str = ""

    @property
    def expired(self) -> bool:
        return datetime.fromisoformat(self.expires_at) <= utcnow()


def root() -> Path:
    return Path(current_app.config["DONATION_FOLDER"])


def pending_root() -> Path:
    return root() / "pending"


def kept_root() -> Path:
    return root() / "kept"


def exports_root() -> Path:
    return root() / "exports"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def pending_dir(token: str) -> Path:
    if not TOKEN_PATTERN.match(token):
        raise ValueError("not a pending-upload token")
    return pending_root() / token


def save_pending(pending: PendingUpload) -> None:
    if not pending.expires_at:
        ttl = timedelta(seconds=current_app.config["PENDING_DONATION_TTL"])
        pending.expires_at = (utcnow() + ttl).isoformat()
    folder = pending_dir(pending.token)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / (PREVIEW + ".tmp")
    temporary.write_text(json_input.dumps(asdict(pending)), encoding="utf-8")
    temporary.replace(folder / PREVIEW)


def load_pending(token: str) -> PendingUpload | None:
    """The pending upload, or None when it is unknown or expired (an expired one is deleted on sight)."""
    try:
        preview = pending_dir(token) / PREVIEW
        pending = PendingUpload(**json.loads(preview.read_text(encoding="utf-8")))
    except (ValueError, OSError, TypeError):
        return None
    if pending.expired:
        discard_pending(token)
        return None
    return pending


def discard_pending(token: str) -> None:
    shutil.rmtree(pending_dir(token), ignore_errors=True)


def purge_expired() -> int:
    """Delete every pending upload past its expiry, or unreadable and older than the time to live."""
    folder = pending_root()
    if not folder.is_dir():
        return 0
    ttl = current_app.config["PENDING_DONATION_TTL"]
    purged = 0
    for entry in folder.iterdir():
        try:
            expires_at = datetime.fromisoformat(json.loads((entry / PREVIEW).read_text())["expires_at"])
        except (OSError, ValueError, KeyError, TypeError):
            modified = datetime.fromtimestamp(entry.stat().st_mtime).astimezone()
            expires_at = modified + timedelta(seconds=ttl)
        if expires_at <= utcnow():
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            purged += 1
    if purged:
        log.info("purged %s expired pending donation uploads", purged)
    return purged


def keep_pending_file(token: str, filename: str) -> Path:
    """Move a stored image from the pending area to the kept area, keeping its random name."""
    kept_root().mkdir(parents=True, exist_ok=True)
    target = kept_root() / filename
    (pending_dir(token) / filename).replace(target)
    return target


def write_kept_json(document: Any) -> tuple[str, int]:
    kept_root().mkdir(parents=True, exist_ok=True)
    filename = secrets.token_urlsafe(18) + ".json"
    data = json_input.dumps(document).encode()
    (kept_root() / filename).write_bytes(data)
    return filename, len(data)


def read_kept_json(filename: str) -> Any:
    return json.loads((kept_root() / filename).read_bytes())


def delete_kept(filename: str) -> None:
    (kept_root() / filename).unlink(missing_ok=True)


def new_export_path() -> Path:
    exports_root().mkdir(parents=True, exist_ok=True)
    return exports_root() / (secrets.token_urlsafe(18) + ".zip")
