"""Runtime fixtures: real worker processes started against the test's database, and polling waits."""
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.donations.conftest import app_config, donor, make_campaign  # noqa: F401  (donation fixtures reused)

REPO = Path(__file__).resolve().parents[2]


def wait_until(predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.1) -> object:
    """Poll until `predicate` returns something truthy; generous timeouts, never a fixed sleep."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def app_environment(app, **overrides: str) -> dict[str, str]:
    """The environment that makes another process use this test app's database, folders and queue."""
    config = app.config
    environment = {**os.environ, "SECRET_KEY": config["SECRET_KEY"], "OMP_NUM_THREADS": "1",
                   "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"], "HF_HUB_OFFLINE": "1",
                   "UPLOAD_FOLDER": config["UPLOAD_FOLDER"], "SPOOL_FOLDER": config["SPOOL_FOLDER"],
                   "ROUTER_MODELS_DIR": config["ROUTER_MODELS_DIR"], "QUEUE_NAME": config["QUEUE_NAME"],
                   "QUEUE_SQLITE_PATH": config["QUEUE_SQLITE_PATH"], "FLASK_APP": "app.py"}
    if "DONATION_FOLDER" in config:
        environment["DONATION_FOLDER"] = config["DONATION_FOLDER"]
    for key in ("JOB_LEASE_SECONDS", "JOB_MAX_ATTEMPTS", "JOB_RETRY_SECONDS"):
        environment[key] = str(config[key])
    environment.update(overrides)
    return environment


class Process:
    """A child in its own process group, its output in a log file shown when a test fails."""

    def __init__(self, args: list[str], environment: dict[str, str], log: Path) -> None:
        self.log = log
        self._handle = log.open("wb")
        self.popen = subprocess.Popen(args, cwd=REPO, env=environment, stdout=self._handle,
                                      stderr=subprocess.STDOUT, start_new_session=True)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        self.kill(signal.SIGTERM)
        try:
            self.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill(signal.SIGKILL)
            self.popen.wait()
        self._handle.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture
def processes(tmp_path: Path):
    """Start processes with `start(name, args, environment)`; every one is stopped at the end of the test."""
    started: list[Process] = []

    def start(name: str, args: list[str], environment: dict[str, str]) -> Process:
        process = Process(args, environment, tmp_path / f"{name}.log")
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


def worker_args() -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker"]
