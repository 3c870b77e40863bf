"""The one Huey instance: SQLite storage next to the database by default, Redis when REDIS_URL is set."""
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

# Storage is chosen per process from the app's configuration (`configure`); until then messages stay in memory.
huey = Huey("gwangju_civic", results=False, storage_class=MemoryStorage)


def storage_settings(app: Flask) -> tuple[type, dict[str, Any]]:
    """Redis for several hosts (`REDIS_URL` or `QUEUE_REDIS_URL`), else an SQLite file: no server needed."""
    if url := app.config.get("QUEUE_REDIS_URL") or app.config.get("REDIS_URL"):
        return RedisStorage, {"url": url}
    path = Path(app.config["QUEUE_SQLITE_PATH"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteStorage, {"filename": str(path), "timeout": 30}


def configure(app: Flask) -> None:
    """Point this process's Huey at the configured storage (a no-op when it already is)."""
    storage_class, kwargs = storage_settings(app)
    name = app.config["QUEUE_NAME"]
    if huey.storage_class is storage_class and huey.storage_kwargs == kwargs and huey.name == name:
        return
    huey.name = name
    huey.storage_class, huey.storage_kwargs = storage_class, kwargs
    huey.storage = huey.create_storage()


def describe() -> str:
    """What readyz shows: the backend and how many messages wait; raises when the storage does not answer."""
    return f"{huey.storage_class.__name__.removesuffix('Storage').lower()}: {huey.pending_count()} pending"
