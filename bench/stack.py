"""The stack bench/load.py runs against: its own PostgreSQL cluster, gunicorn and a job worker, and their CPU."""
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from tests.runtime.client import Visitor
from tests.runtime.ports import free_port

REPO = Path(__file__).resolve().parent.parent
PYTHON = str(REPO / ".venv/bin/python") if (REPO / ".venv/bin/python").exists() else sys.executable
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU the processes used so far (from /proc), for CPU per report."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICK


def seconds_until(predicate, timeout: float, pause: float = 0.5) -> float:
    """Seconds until `predicate()` holds, checked every `pause` seconds; gives up (returns) after `timeout`."""
    started = time.monotonic()
    while not predicate() and time.monotonic() - started < timeout:
        time.sleep(pause)
    return time.monotonic() - started


def wait_for(predicate, timeout: float, what: str) -> None:
    seconds_until(predicate, timeout)
    if not predicate():
        raise SystemExit(f"timed out waiting for {what}")


class Cluster:
    """A PostgreSQL cluster of the benchmark's own: initdb in a temporary folder, started on a free port."""

    def __init__(self, folder: Path) -> None:
        self.data, self.port = folder / "pgdata", free_port()
        self.data.mkdir(parents=True)
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            subprocess.run(["chown", "-R", "postgres:", str(folder)], check=True)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()
        with sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(sa.text("CREATE DATABASE bench"))

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_postgres, *args], capture_output=True, text=True, check=True)

    def url(self, database: str = "bench") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c max_connections=100"
        for _ in range(30):  # after a kill -9 its backends take a moment to notice and exit
            started = subprocess.run([*self.as_postgres, "pg_ctl", "-D", str(self.data), "-o", options, "-l",
                                      str(self.data / "server.log"), "-w", "start"], capture_output=True)
            if started.returncode == 0:
                return
            time.sleep(1)
        raise SystemExit(f"PostgreSQL did not start: {(self.data / 'server.log').read_text()[-2000:]}")

    def postmaster(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def processes(self) -> list[int]:
        """The postmaster and its children (backends, writers) now."""
        pid = self.postmaster()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [pid, *map(int, children)]

    def kill_postmaster(self) -> None:
        os.kill(self.postmaster(), signal.SIGKILL)

    def stop(self) -> None:
        subprocess.run([*self.as_postgres, "pg_ctl", "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True)


class Stack:
    """gunicorn (WEB_CONCURRENCY workers) and one job worker on a database and queue, in a temporary folder."""

    def __init__(self, folder: Path, database_url: str, models: Path, redis_url: str | None, web_workers: int) -> None:
        self.folder, self.port, self.redis_url = folder, free_port(), redis_url
        self.queue_name = f"bench-{uuid.uuid4().hex[:8]}"
        self.environment = {
            **os.environ, "DATABASE_URL": database_url, "SECRET_KEY": uuid.uuid4().hex, "OMP_NUM_THREADS": "1",
            "UPLOAD_FOLDER": str(folder / "uploads"), "SPOOL_FOLDER": str(folder / "spool"),
            "DONATION_FOLDER": str(folder / "donations"), "QUEUE_SQLITE_PATH": str(folder / "jobs.sqlite"),
            "QUEUE_NAME": self.queue_name, "ROUTER_MODELS_DIR": str(models), "SESSION_COOKIE_SECURE": "0",
            "WEB_CONCURRENCY": str(web_workers), "PORT": str(self.port), "HF_HUB_OFFLINE": "1",
            "FLASK_APP": "app.py"}
        if redis_url:
            self.environment["REDIS_URL"] = redis_url
        self.processes: dict[str, subprocess.Popen] = {}
        subprocess.run([PYTHON, "-c", "from gwangju_civic import create_app; from gwangju_civic.extensions import db;"
                        "app = create_app(); app.app_context().push(); db.create_all()"],
                       cwd=REPO, env=self.environment, check=True, capture_output=True)
        subprocess.run([PYTHON, "-m", "flask", "seed"], cwd=REPO, env=self.environment, check=True,
                       capture_output=True)
        self.start("web", [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py", "app:app"])
        self.start("worker", [PYTHON, "-m", "flask", "jobs", "worker"])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, name: str, args: list[str]) -> None:
        log = (self.folder / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(args, cwd=REPO, env=self.environment, stdout=log, stderr=log,
                                                start_new_session=True)

    def web_workers(self) -> list[int]:
        master = self.processes["web"].pid
        children = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
        return [int(pid) for pid in children]

    def kill(self, name: str) -> None:
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait()

    def stop(self) -> None:
        for process in self.processes.values():
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        if self.redis_url:
            import redis

            client = redis.Redis.from_url(self.redis_url)
            for pattern in (f"*{self.queue_name}*", "LIMITER*"):
                for key in client.scan_iter(pattern):
                    client.delete(key)


def ready(url: str) -> bool:
    try:
        with Visitor(url, timeout=5) as visitor:
            return visitor.get("/readyz").status == 200
    except OSError:
        return False
