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

from bench.report_texts import describe_mix, report_text  # noqa: E402
from bench.stack import PYTHON, Cluster, Stack, cpu_seconds, ready, seconds_until, wait_for  # noqa: E402
from tests.runtime.client import Visitor  # noqa: E402


def address(tag: str, number: int | str) -> str:
    """The run's tag rides in the address, which the router never reads (a Latin tag in the title would)."""
    return f"광주 동구 금남로 4가 (bench {tag} {number})"


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
        _, title, description = report_text(number)
        try:
            response, code = visitor.file_report(title, description, address(tag, number))
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
        rows = connection.execute(sa.text("SELECT tracking_code, address FROM submissions WHERE address LIKE :pattern"),
                                  {"pattern": f"%(bench {tag} %"}).all()
    engine.dispose()
    addresses = [place for _, place in rows]
    return {code for code, _ in rows}, len(addresses) - len(set(addresses))


def unembedded(database_url: str) -> int:
    """Submissions still waiting for the background job to write their similarity embedding."""
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(sa.text("SELECT count(*) FROM submissions s WHERE NOT EXISTS (SELECT 1 FROM "
                                           "submission_embeddings e WHERE e.submission_id = s.id)")).scalar_one()
    engine.dispose()
    return int(count)


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


EFFECTS = {
    "routed reports": "SELECT count(*) FROM submissions WHERE status = 'routed'",
    "staff e-mails about routing": "SELECT count(*) FROM notifications WHERE kind = 'staff_routed'",
    "of them sent": "SELECT count(*) FROM notifications WHERE kind = 'staff_routed' AND state = 'sent'",
    "reports": "SELECT count(*) FROM submissions",
    "similarity vectors": "SELECT count(*) FROM submission_embeddings",
}


def effects(database_url: str) -> str:
    """Each job's effect once: one staff e-mail per routed report, each sent, one vector per report."""
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        counts = {name: connection.execute(sa.text(sql)).scalar_one() for name, sql in EFFECTS.items()}
    engine.dispose()
    return ", ".join(f"{name} {count}" for name, count in counts.items())


def drained(database_url: str, timeout: float) -> float:
    """Seconds until no job run is queued or running (at most `timeout`)."""
    def idle() -> bool:
        states = job_states(database_url)
        return not states.get("queued", 0) + states.get("running", 0)

    return seconds_until(idle, timeout, pause=2)


def database_seconds(cluster: Cluster | None, before: dict[int, float]) -> dict[int, float]:
    """CPU of each PostgreSQL process since `before` (backends started during the run count whole)."""
    if cluster is None:
        return {}
    return {pid: cpu_seconds([pid]) - before.get(pid, 0.0) for pid in cluster.processes()}


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
                first.file_report(*report_text(0)[1:], address(tag, "first"))
                print(f"{args.setup}: first report after start {1000 * (time.perf_counter() - began):.0f} ms")
            # Timed from a warm stack: the queue worker has loaded its models and done the first report's jobs.
            print(f"{args.setup}: the first report's jobs done {drained(database_url, 300):.0f} s later")
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
            print(f"{args.setup}: texts {describe_mix(args.reports)}")
            web_pids, worker_pid = stack.web_workers(), stack.processes["worker"].pid
            web_cpu, worker_cpu = cpu_seconds(web_pids), cpu_seconds([worker_pid])
            database_cpu, own_cpu = database_seconds(cluster, {}), time.process_time()
            outcome = run_load(stack.url, tag, args.reports, args.clients, midway)
            if args.setup != "fault":
                filed = max(1, len(outcome.codes))
                database_cpu = database_seconds(cluster, database_cpu)
                print(f"{args.setup}: CPU per report (form GET + POST) during the run: web workers "
                      f"{1000 * (cpu_seconds(web_pids) - web_cpu) / filed:.0f} ms, queue worker "
                      f"{1000 * (cpu_seconds([worker_pid]) - worker_cpu) / filed:.0f} ms, PostgreSQL "
                      f"{1000 * sum(database_cpu.values()) / filed:.0f} ms, this load generator "
                      f"{1000 * (time.process_time() - own_cpu) / filed:.0f} ms")
                seconds = seconds_until(lambda: not unembedded(database_url), 300, pause=1)
                print(f"{args.setup}: similarity embeddings written by the queue worker "
                      f"{seconds:.0f} s after the run ({unembedded(database_url)} still waiting)")
            if args.setup == "fault":  # the spool is replayed by the worker's scheduler (every minute)
                seconds_until(lambda: recovered(database_url, tag, set(outcome.codes)), 300, pause=2)
            report(args.setup, outcome, database_url, tag)
            print(f"{args.setup}: job runs by state right after the run {job_states(database_url)}")
            seconds = drained(database_url, 600)
            print(f"{args.setup}: job runs by state {seconds:.0f} s later {job_states(database_url)}")
            print(f"{args.setup}: {effects(database_url)}")
        finally:
            stack.stop()
            if cluster is not None:
                cluster.stop()
    print(f"machine after: {machine_load()}")


if __name__ == "__main__":
    main()
