"""Configuration read from the environment, with defaults that are safe on a bare machine."""
import os
import secrets
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


def _secret_key(instance_path: Path) -> str:
    """Use SECRET_KEY from the environment, else a random key generated once and kept in instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def sqlalchemy_url(url: str) -> str:
    """Let operators write plain postgresql:// URLs; we talk to PostgreSQL through psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment(instance_path: Path) -> dict[str, Any]:
    """The settings a deployment controls; everything has a default so `make run` needs none."""
    instance_path.mkdir(parents=True, exist_ok=True)
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance_path / 'gwangju_civic.sqlite'}"
        ),
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(instance_path / "uploads")),
        "SPOOL_FOLDER": os.environ.get("SPOOL_FOLDER", str(instance_path / "spool")),
        "MAX_PHOTO_BYTES": int(os.environ.get("MAX_PHOTO_BYTES", 8 * 1024 * 1024)),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", 26 * 1024 * 1024)),
        "ROUTER_MODELS_DIR": os.environ.get("ROUTER_MODELS_DIR", str(REPO_ROOT / "models")),
    }


DEFAULTS: dict[str, Any] = {
    "BABEL_DEFAULT_LOCALE": "ko",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Seoul",
    "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent / "translations"),
    "LANGUAGES": ("ko", "en", "fr"),
    "MAX_PHOTOS": 3,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PUBLIC_LIST_PAGE_SIZE": 20,
}
