"""Database plumbing: SQLite settings for several processes writing one file, and resetting a failed session."""
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite

from gwangju_civic.extensions import db

BUSY_TIMEOUT_MS = 30_000


def init_app(app: Flask) -> None:
    """On SQLite, every connection of this app's engine gets WAL and the busy timeout (call after db.init_app)."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """WAL lets readers go on while one process writes; the busy timeout makes writers wait instead of failing."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def upsert_insert() -> Any:
    """The INSERT of the session's database that knows ON CONFLICT (PostgreSQL's or SQLite's)."""
    return postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert


def discard_session() -> None:
    """Roll back what a failed step started; when the connection is gone, drop the session (the next use reconnects)."""
    try:
        db.session.rollback()
    except Exception:
        db.session.remove()
