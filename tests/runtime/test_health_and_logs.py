"""Probes for load balancers, SQLite settings for several processes, and one JSON-ready log record a request."""
import logging

import pytest
from sqlalchemy import text

from gwangju_civic.extensions import db
from tests.conftest import IS_POSTGRES
from tests.runtime.conftest import wait_until


def test_healthz_answers_while_the_process_lives(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_readyz_is_503_without_a_router_and_says_why(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json
    assert body["database"] == "ok" and body["router_version"] is None
    assert body["queue"] == "sqlite: 0 pending" and body["status"] == "not ready"


def test_readyz_is_200_once_the_database_answers_and_the_router_is_loaded(client, with_router):
    body = client.get("/readyz").json
    assert body["status"] == "ready" and body["router_version"] == (with_router / "ACTIVE").read_text().strip()


def test_a_router_not_loaded_yet_is_loaded_in_the_background_never_in_the_request(app, client, trained_router_dir,
                                                                                 make_submission):
    from gwangju_civic.models import Status, Submission
    from gwangju_civic.routing.service import RouterLoader

    app.extensions["router"] = RouterLoader(trained_router_dir)
    code = make_submission(title="Pothole", description="A deep pothole near the bus stop.")
    with app.app_context():  # the resident is not kept waiting for a model: triage, with the reason
        submission = db.session.scalar(db.select(Submission).where(Submission.tracking_code == code))
        assert submission.status == Status.NEEDS_TRIAGE
        assert any("still loading" in (event.message or "") for event in submission.events)
    wait_until(lambda: client.get("/readyz").status_code == 200, 120, "the background load")


@pytest.mark.skipif(IS_POSTGRES, reason="SQLite settings")
def test_sqlite_connections_use_wal_and_wait_for_a_busy_database(app):
    with app.app_context(), db.engine.connect() as connection:
        assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
        assert connection.scalar(text("PRAGMA busy_timeout")) == 30000


def test_each_request_is_logged_once_with_its_route_never_its_codes_or_query(client, caplog):
    caplog.set_level(logging.INFO, logger="gwangju_civic.requests")
    response = client.get("/track/ABCD2345?email=jane@example.org", headers={"X-Request-ID": "probe-1"})
    assert response.headers["X-Request-ID"] == "probe-1"
    records = [r for r in caplog.records if r.name == "gwangju_civic.requests"]
    assert len(records) == 1
    record = records[0]
    assert (record.request_id, record.method, record.path, record.status) == ("probe-1", "GET", "/track/<code>",
                                                                              response.status_code)
    assert isinstance(record.ms, float)
    assert "ABCD2345" not in str(record.__dict__) and "jane" not in str(record.__dict__)


def test_a_request_id_that_could_forge_log_lines_is_replaced(client, caplog):
    caplog.set_level(logging.INFO, logger="gwangju_civic.requests")
    response = client.get("/healthz", headers={"X-Request-ID": "x\"} {\"admin\": true"})
    assert len(response.headers["X-Request-ID"]) == 32


def test_log_lines_are_json(capsys):
    import json

    from gwangju_civic.logs import json_formatter

    record = logging.LogRecord("gwangju_civic.requests", logging.INFO, __file__, 1, "request", None, None)
    record.path, record.status = "/report", 302
    line = json.loads(json_formatter().format(record))
    assert line["message"] == "request" and line["path"] == "/report" and line["status"] == 302
    assert {"time", "level", "logger", "pid"} <= set(line)
