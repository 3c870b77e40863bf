"""Logs as one JSON object a line: one per request and one per job, never personal data.

A request line has its id, method, route, status and duration. The route is the URL rule (`/track/<code>`),
not the path, and query strings are never logged: paths and queries carry tracking and withdrawal codes and
search terms residents type. Form bodies, e-mails, phone numbers and client addresses are never logged.
"""
import logging
import re
import sys
import time
import uuid

from flask import Flask, g, request
from flask.wrappers import Response
from pythonjsonlogger.json import JsonFormatter

request_log = logging.getLogger("gwangju_civic.requests")
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
FORMAT = "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"


def json_formatter() -> JsonFormatter:
    return JsonFormatter(FORMAT, rename_fields={"asctime": "time", "levelname": "level", "name": "logger",
                                                "process": "pid"})


def configure_root(level: str = "INFO") -> None:
    """Every logger of the process (ours, Huey's, gunicorn's errors) writes JSON lines to stderr; idempotent."""
    root = logging.getLogger()
    if any(getattr(handler, "_gwangju_json", False) for handler in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter())
    handler._gwangju_json = True  # type: ignore[attr-defined]
    root.handlers = [handler]
    root.setLevel(level)


def init_app(app: Flask) -> None:
    """JSON logging outside tests (pytest captures records itself), and a line per request in all cases."""
    if not app.testing:
        configure_root(app.config.get("LOG_LEVEL", "INFO"))
    app.before_request(_start)
    app.after_request(_finish)


def _start() -> None:
    g.request_started = time.perf_counter()
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    if started is None:  # a response made before our hook ran
        return response
    response.headers["X-Request-ID"] = g.request_id
    if request.endpoint != "static":
        request_log.info("request", extra={
            "request_id": g.request_id, "method": request.method,
            "path": request.url_rule.rule if request.url_rule is not None else None,
            "status": response.status_code, "ms": round((time.perf_counter() - started) * 1000, 1)})
    return response
