"""Load benchmark: N reports (form GET + POST, CSRF handled) from C concurrent clients against the running stack.

    python bench/load.py --url http://127.0.0.1:5000 -n 400 -c 20   # a stack you started (`make run`)
    python bench/load.py --setup embedded -n 400 -c 20   # starts `make run`'s shape: SQLite, gunicorn + job worker
    python bench/load.py --setup postgres -n 600 -c 20   # its own PostgreSQL cluster + Redis: 2 web + 1 queue worker
    python bench/load.py --setup fault -n 600 -c 20      # as postgres; midway kill -9 a web worker, the queue worker
                                                         # and the postmaster, then restart them and count

Prints reports/s, p50 and p95 (form GET + POST), errors, and how many acknowledged reports (a tracking code was
shown) are stored and findable by their code afterwards, how many were lost and how many stored twice. The
PostgreSQL setups run a cluster of their own (initdb in a temporary folder, another port), never the one on 5432.
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402

from tests.runtime.client import Visitor  # noqa: E402

PYTHON = str(REPO / ".venv/bin/python") if (REPO / ".venv/bin/python").exists() else sys.executable
DESCRIPTION = "금남로 버스정류장 앞 가로등이 사흘째 꺼져 있어 밤에 너무 어둡습니다. 빨리 고쳐 주세요."


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.5)


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

    def kill_postmaster(self) -> None:
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)

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


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def run_load(url: str, tag: str, reports: int, clients: int, midway=None) -> Outcome:
    """Each client is one browser (own cookies and connection) filing reports one after another."""
    outcome, lock, local = Outcome(), threading.Lock(), threading.local()
    done = [0]

    def one(number: int) -> None:
        visitor = getattr(local, "visitor", None) or Visitor(url)
        local.visitor = visitor
        started = time.perf_counter()
        try:
            response, code = visitor.file_report(f"bench {tag} {number}", DESCRIPTION)
        except Exception as error:  # noqa: BLE001  (a killed worker resets connections: counted, not fatal)
            visitor.close()
            with lock:
                outcome.error(type(error).__name__)
            return
        elapsed = time.perf_counter() - started
        with lock:
            if code:
                outcome.latencies.append(elapsed)
                outcome.codes.append(code)
            else:
                outcome.error(f"HTTP {response.status}")
            done[0] += 1
            fire = midway is not None and done[0] == reports // 2
        if fire:
            threading.Thread(target=midway, daemon=True).start()

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(reports)))
    outcome.seconds = time.perf_counter() - started
    return outcome


def stored(database_url: str, tag: str) -> tuple[set[str], int]:
    """Tracking codes of this run's reports in the database, and how many reports are stored more than once."""
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT tracking_code, title FROM submissions WHERE title LIKE :pattern"),
                                  {"pattern": f"bench {tag} %"}).all()
    engine.dispose()
    titles = [title for _, title in rows]
    return {code for code, _ in rows}, len(titles) - len(set(titles))


def recovered(database_url: str, tag: str, acknowledged: set[str]) -> bool:
    """Every acknowledged report is stored (False while the database is still recovering)."""
    try:
        return not acknowledged - stored(database_url, tag)[0]
    except sa.exc.OperationalError:
        return False


def job_states(database_url: str) -> dict[str, int]:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        counts = dict(connection.execute(sa.text("SELECT state, count(*) FROM job_runs GROUP BY state")).tuples().all())
    engine.dispose()
    return counts


def report(name: str, outcome: Outcome, database_url: str, tag: str) -> dict[str, int]:
    codes, duplicated = stored(database_url, tag)
    acknowledged = set(outcome.codes)
    latencies = sorted(outcome.latencies)
    p50 = statistics.median(latencies) * 1000 if latencies else float("nan")
    p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000 if latencies else float("nan")
    errors = ", ".join(f"{kind} {count}" for kind, count in sorted(outcome.errors.items())) or "0"
    print(f"{name}: {len(acknowledged) / outcome.seconds:.1f} reports/s acknowledged over {outcome.seconds:.1f} s; "
          f"p50 {p50:.0f} ms, p95 {p95:.0f} ms; errors: {errors}")
    print(f"{name}: acknowledged {len(acknowledged)}, findable by tracking code {len(acknowledged & codes)}, "
          f"lost {len(acknowledged - codes)}, stored {len(codes)}, duplicated {duplicated}")
    return {"lost": len(acknowledged - codes), "duplicated": duplicated}


def machine_load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min) {five:.1f} (5 min) on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running stack (then --database-url, default DATABASE_URL, to verify)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--setup", choices=["embedded", "postgres", "fault"])
    parser.add_argument("-n", "--reports", type=int, default=400)
    parser.add_argument("-c", "--clients", type=int, default=20)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--models", type=Path, default=REPO / "models", help="router versions (with ACTIVE)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    args = parser.parse_args()
    tag = uuid.uuid4().hex[:6]
    print(f"machine before: {machine_load()}")
    if args.url:
        database_url = args.database_url or f"sqlite:///{REPO / 'instance/gwangju_civic.sqlite'}"
        outcome = run_load(args.url, tag, args.reports, args.clients)
        report("running stack", outcome, database_url.replace("postgresql://", "postgresql+psycopg://"), tag)
        return
    if args.setup is None:
        parser.error("give --url or --setup")
    if not (args.models / "ACTIVE").is_file():
        parser.error(f"no trained router in {args.models}: run `make router` or pass --models")
    with tempfile.TemporaryDirectory(prefix="gwangju-load-") as temporary:
        folder = Path(temporary)
        os.chmod(folder, 0o755)
        cluster = Cluster(folder / "pg") if args.setup != "embedded" else None
        database_url = cluster.url() if cluster else f"sqlite:///{folder / 'app.sqlite'}"
        stack = Stack(folder, database_url, args.models, args.redis_url if cluster else None, args.web_workers)
        try:
            started = time.monotonic()
            wait_for(lambda: ready(stack.url), 600, "the stack to be ready")
            print(f"{args.setup}: ready {time.monotonic() - started:.0f} s after start")
            with Visitor(stack.url) as first:
                began = time.perf_counter()
                first.file_report(f"bench {tag} first", DESCRIPTION)
                print(f"{args.setup}: first report after start {1000 * (time.perf_counter() - began):.0f} ms")
            midway = None
            if args.setup == "fault" and cluster is not None:
                def midway() -> None:
                    assert cluster is not None
                    victim = stack.web_workers()[0]
                    os.kill(victim, signal.SIGKILL)
                    stack.kill("worker")
                    cluster.kill_postmaster()
                    print(f"fault: killed web worker {victim}, the queue worker and the postmaster", flush=True)
                    time.sleep(3)  # the outage residents meet: their reports are spooled
                    cluster.start()
                    stack.start("worker", [PYTHON, "-m", "flask", "jobs", "worker"])
                    print("fault: PostgreSQL and the queue worker restarted", flush=True)
            outcome = run_load(stack.url, tag, args.reports, args.clients, midway)
            if args.setup == "fault":  # the spool is replayed by the worker's scheduler (every minute)
                deadline = time.monotonic() + 300
                while time.monotonic() < deadline and not recovered(database_url, tag, set(outcome.codes)):
                    time.sleep(2)
            report(args.setup, outcome, database_url, tag)
            print(f"{args.setup}: job runs by state {job_states(database_url)}")
        finally:
            stack.stop()
            if cluster is not None:
                cluster.stop()
    print(f"machine after: {machine_load()}")


if __name__ == "__main__":
    main()
