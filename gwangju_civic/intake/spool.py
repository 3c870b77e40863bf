"""A file spool for reports that arrive while the database is down, replayed when it is back.

Layout of the spool folder, every step an atomic rename:
  .<code>.partial            being written (never read)
  <code>/                    waiting to be filed
  .<code>.claimed-<owner>    being filed by one replay; another replay takes it over only when it is stale
  .<code>.failed             could not be filed for a reason other than an outage; kept for an operator
"""
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from gwangju_civic.codes import TRACKING_CODE
from gwangju_civic.models import SubmissionKind
from gwangju_civic.submissions.operations import SubmissionDraft

log = logging.getLogger(__name__)

CLAIMED = ".claimed-"
FAILED = ".failed"


def spool(draft: SubmissionDraft, folder: Path) -> Path:
    """Write the draft and its photos to disk atomically (a folder renamed into place when complete)."""
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".{draft.tracking_code}.partial"
    partial.mkdir()
    fields = {key: value for key, value in asdict(draft).items() if key != "photos"}
    (partial / "draft.json").write_text(json.dumps(fields, ensure_ascii=False), encoding="utf-8")
    for index, data in enumerate(draft.photos):
        (partial / f"photo-{index}").write_bytes(data)
    final = folder / draft.tracking_code
    partial.rename(final)
    log.warning("database unavailable: submission %s spooled to %s", draft.tracking_code, final)
    return final


def spooled(folder: Path) -> list[Path]:
    """The reports waiting to be filed, oldest code first; claimed ones are left to their replay."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if path.is_dir() and not path.name.startswith("."))


def stale_claims(folder: Path, older_than_seconds: float) -> list[Path]:
    """Claims not touched for that long: their replay died (a killed worker), so another may take them over."""
    if not folder.is_dir():
        return []
    deadline = time.time() - older_than_seconds
    return sorted(path for path in folder.glob(f".*{CLAIMED}*") if _modified(path) < deadline)


def is_pending(folder: Path) -> bool:
    """Cheap check for the request hook: is anything waiting or claimed?"""
    try:
        with os.scandir(folder) as entries:
            return any(entry.name[0] != "." or CLAIMED in entry.name for entry in entries)
    except FileNotFoundError:
        return False


def holds(folder: Path, code: str) -> bool:
    """Whether the report with this tracking code is in the spool: waiting, being filed or set aside."""
    if not TRACKING_CODE.matches(code):
        return False
    return (folder / code).is_dir() or any(folder.glob(f".{code}{CLAIMED}*")) or (folder / f".{code}{FAILED}").is_dir()


def held_fields(folder: Path) -> Iterator[dict]:
    """The stored fields (no photos) of every report in the spool: waiting, being filed or set aside."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name.endswith(".partial") or not entry.is_dir():
            continue
        try:
            yield json.loads((entry / "draft.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # renamed by a replay meanwhile, or unreadable: callers ask the database again


def is_set_aside(folder: Path, code: str) -> bool:
    """Whether replaying this report failed for a reason other than an outage: staff must file it by hand."""
    return TRACKING_CODE.matches(code) and (folder / f".{code}{FAILED}").is_dir()


def code_of(entry: Path) -> str:
    return entry.name.removeprefix(".").split(CLAIMED)[0]


def claim(entry: Path) -> Path | None:
    """Take the entry for this replay alone (an atomic rename); None when another replay was first."""
    claimed = entry.with_name(f".{code_of(entry)}{CLAIMED}{os.getpid()}-{uuid.uuid4().hex[:8]}")
    try:
        entry.rename(claimed)
    except FileNotFoundError:
        return None
    os.utime(claimed)  # the claim's age is counted from now
    return claimed


def release(claimed: Path) -> None:
    """Give the entry back to the spool, for the next replay (the database went away again)."""
    claimed.rename(claimed.with_name(code_of(claimed)))


def set_aside(claimed: Path) -> Path:
    """Keep an entry that cannot be filed out of the replay loop, without deleting anything."""
    failed = claimed.with_name(f".{code_of(claimed)}{FAILED}")
    claimed.rename(failed)
    return failed


def load(entry: Path) -> SubmissionDraft:
    fields = json.loads((entry / "draft.json").read_text(encoding="utf-8"))
    fields["kind"] = SubmissionKind(fields["kind"])
    photos = [path.read_bytes() for path in sorted(entry.glob("photo-*"))]
    return SubmissionDraft(**fields, photos=photos)


def discard(entry: Path) -> None:
    shutil.rmtree(entry)


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")
