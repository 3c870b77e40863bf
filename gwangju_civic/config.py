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


def _optional_float(value: str | None) -> float | None:
    return float(value) if value else None


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
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Secure cookies need HTTPS; `make run` serves plain HTTP on 127.0.0.1, so it is opt-out there.
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "1") == "1",
        "ROUTER_MODELS_DIR": os.environ.get("ROUTER_MODELS_DIR", str(REPO_ROOT / "models")),
        # A local sentence-transformers model directory; unset means the bundled all-MiniLM-L6-v2.
        "ROUTER_EMBEDDING_MODEL": os.environ.get("ROUTER_EMBEDDING_MODEL") or None,
        # Unset means the threshold chosen on validation data so auto-routing is at least 90% right.
        "ROUTER_CONFIDENCE_THRESHOLD": _optional_float(os.environ.get("ROUTER_CONFIDENCE_THRESHOLD")),
        # Data donations: kept files, unconsented previews (pending/) and open-data exports live here.
        "DONATION_FOLDER": os.environ.get("DONATION_FOLDER", str(instance_path / "donations")),
        "DONATION_MAX_BYTES": int(os.environ.get("DONATION_MAX_BYTES", 5 * 1024 * 1024)),
        "DONATION_MAX_ROWS": int(os.environ.get("DONATION_MAX_ROWS", 5000)),
        "DONATION_MAX_IMAGES": int(os.environ.get("DONATION_MAX_IMAGES", 5)),
        # Decimals kept in donated coordinates: 3 is about 100 m, enough for a street, not a house.
        "COORDINATE_PRECISION": int(os.environ.get("COORDINATE_PRECISION", 3)),
        # Seconds an unconsented upload's masked preview is kept before it is deleted.
        "PENDING_DONATION_TTL": int(os.environ.get("PENDING_DONATION_TTL", 3600)),
        # Donations whose description fits the campaign less than this (cosine) are flagged off-topic.
        "DONATION_FIT_THRESHOLD": float(os.environ.get("DONATION_FIT_THRESHOLD", 0.25)),
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
    "ADMIN_PAGE_SIZE": 50,
    "LOGIN_THROTTLE": "5 per 15 minutes",
    "WITHDRAWAL_THROTTLE": "10 per 15 minutes",
    "RATELIMIT_HEADERS_ENABLED": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
}
