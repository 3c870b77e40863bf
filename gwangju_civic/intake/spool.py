"""A file spool for reports that arrive while the database is down, replayed when it is back."""
import json
import logging
import shutil
from dataclasses import asdict
from pathlib import Path

from gwangju_civic.models import SubmissionKind
from gwangju_civic.submissions.operations import SubmissionDraft

log = logging.getLogger(__name__)


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
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if path.is_dir() and not path.name.startswith("."))


def load(entry: Path) -> SubmissionDraft:
    fields = json.loads((entry / "draft.json").read_text(encoding="utf-8"))
    fields["kind"] = SubmissionKind(fields["kind"])
    photos = [path.read_bytes() for path in sorted(entry.glob("photo-*"))]
    return SubmissionDraft(**fields, photos=photos)


def discard(entry: Path) -> None:
    shutil.rmtree(entry)
