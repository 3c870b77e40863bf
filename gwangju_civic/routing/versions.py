"""The trained router versions on disk and which one is active; no ML imports here."""
import json
from dataclasses import dataclass
from pathlib import Path

ACTIVE_FILE = "ACTIVE"
METADATA_FILE = "metadata.json"


@dataclass(frozen=True)
class Version:
    name: str
    metadata: dict
    active: bool


def active_name(models_dir: Path) -> str | None:
    path = models_dir / ACTIVE_FILE
    return path.read_text().strip() if path.exists() else None


def list_versions(models_dir: Path, active: str | None = None) -> list[Version]:
    """Every version folder with readable metadata, newest first; `active` defaults to models/ACTIVE."""
    active = active or active_name(models_dir)
    versions = []
    for folder in sorted(models_dir.glob("*/"), reverse=True):
        try:
            metadata = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        versions.append(Version(folder.name, metadata, folder.name == active))
    return versions


def activate(models_dir: Path, name: str) -> None:
    """Point ACTIVE at an existing version, atomically (write then rename)."""
    if not (models_dir / name / METADATA_FILE).is_file() or "/" in name or name.startswith("."):
        raise ValueError(f"no router version {name!r}")
    temporary = models_dir / f".{ACTIVE_FILE}.tmp"
    temporary.write_text(name)
    temporary.replace(models_dir / ACTIVE_FILE)
