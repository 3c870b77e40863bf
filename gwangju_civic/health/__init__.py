"""`/healthz` (the process lives) and `/readyz` (database answers and router loaded) for load balancers."""
import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from gwangju_civic.extensions import db

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.route("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.route("/readyz")
def readyz():
    """503 until the database answers and the router is loaded; the queue is reported, not required."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as error:
        database = f"unavailable: {type(error).__name__}"
    loader = current_app.extensions["router"]
    version = loader.version
    if version is None:
        loader.start_loading()  # never in the request; the next probe may find it loaded
    try:
        from gwangju_civic.jobs import queue

        queue_state = queue.describe()
    except Exception as error:  # noqa: BLE001  (any storage failure is reported, never raised)
        queue_state = f"unavailable: {type(error).__name__}"
    ready = database == "ok" and version is not None
    # Why a router failed to load is in the logs only: its message names paths on the server.
    body = {"status": "ready" if ready else "not ready", "database": database, "router_version": version,
            "router_loading": version is None and loader.last_error is None, "queue": queue_state}
    return jsonify(body), 200 if ready else 503
