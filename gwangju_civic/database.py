"""Database plumbing: SQLite settings for several processes writing one file, and resetting a failed session."""
import sqlite3
from typing import Any

from sqlalchemy import Engine, event

BUSY_TIMEOUT_MS = 30_000


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL lets readers go on while one process writes; the busy timeout makes writers wait instead of failing."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def discard_session() -> None:
    """Roll back what a failed step started; when the connection is gone, drop the session (the next use reconnects)."""
    from gwangju_civic.extensions import db

    try:
        db.session.rollback()
    except Exception:
        db.session.remove()
