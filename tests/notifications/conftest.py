"""Notification fixtures: a real SMTP server (aiosmtpd), a real HTTP SMS gateway, and running queued jobs."""
import json
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.jobs import runs
from gwangju_civic.models import JobRun, JobState
from gwangju_civic.notifications.outbox import NOTIFY_KIND
from tests.runtime.ports import free_port

SMTP_USER, SMTP_PASSWORD = "civic", "s3cret"


class Inbox:
    """What the SMTP server received: parsed messages with their envelopes."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    """Only SMTP_USER / SMTP_PASSWORD may send."""
    good = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(), SMTP_PASSWORD.encode())
    return AuthResult(success=good, handled=False)  # handled=False: aiosmtpd answers 535 itself


class SmtpServer:
    """A real SMTP server on a fixed loopback port that a test can start late, stop, and start again."""

    def __init__(self, port: int, with_auth: bool = False) -> None:
        self.port, self.with_auth, self.inbox = port, with_auth, Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        # AUTH offered without TLS (loopback only); requiring it without TLS makes aiosmtpd warn.
        extra = {"authenticator": authenticate, "auth_require_tls": False} if self.with_auth else {}
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **extra)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtp(smtp_port: int) -> Iterator[SmtpServer]:
    """An SMTP server on `smtp_port`, not started: the test starts it (or not)."""
    server = SmtpServer(smtp_port)
    yield server
    server.stop()


@pytest.fixture
def smtp_with_auth(smtp_port: int) -> Iterator[SmtpServer]:
    server = SmtpServer(smtp_port, with_auth=True)
    server.start()
    yield server
    server.stop()


class Gateway:
    """A real HTTP server standing in for a city's SMS gateway adapter; it records what it was sent."""

    def __init__(self) -> None:
        self.received: list[tuple[dict, dict]] = []
        self.status = 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's hook name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if gateway.status == 200:
                    gateway.received.append((dict(self.headers), body))
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}' if gateway.status == 200 else b'{"error": "busy"}')

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    server = Gateway()
    yield server
    server.close()


def run_queued_jobs(kind: str = NOTIFY_KIND) -> list[str]:
    """Run every queued job run of `kind` in this process, as the worker would, and return their results."""
    results = []
    for run_id in db.session.scalars(select(JobRun.id).where(JobRun.state == JobState.QUEUED,
                                                             JobRun.kind == kind)
                                     .order_by(JobRun.id)).all():
        runs.execute(run_id)
        results.append(db.session.get_one(JobRun, run_id).result or "")
    return results
