"""Queue benchmark: what a job costs the web process to submit, and how soon a worker runs it, per Huey storage.

    python bench/queues.py [-n 300]

For SQLite (the embedded default) and Redis (REDIS_URL): the time to put one message on the queue (what a
request pays), messages a second through one consumer thread, and the delay from submit to start.
"""
import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from huey import Huey
from huey.storage import RedisStorage, SqliteStorage

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def measure(name: str, storage: type, n: int, **kwargs: object) -> None:
    queue = Huey(f"bench-{uuid.uuid4().hex[:8]}", results=False, storage_class=storage, **kwargs)
    started: dict[int, float] = {}
    finished = threading.Event()

    @queue.task()
    def touch(number: int, submitted: float) -> None:
        started[number] = time.perf_counter() - submitted
        if len(started) == n:
            finished.set()

    consumer = queue.create_consumer(workers=1, worker_type="thread", periodic=False, initial_delay=0.01,
                                     max_delay=0.05, backoff=1.1)
    enqueue = []
    for number in range(n):  # submitted before the consumer starts: pure enqueue cost
        began = time.perf_counter()
        touch(number, began)
        enqueue.append(time.perf_counter() - began)
    began = time.perf_counter()
    consumer.start()  # worker threads in the background; returns at once
    finished.wait(120)
    drained = time.perf_counter() - began
    started.clear()
    delays = []
    for number in range(50):  # one at a time: submit-to-start delay of an idle worker
        submitted = time.perf_counter()
        touch(number + n, submitted)
        deadline = time.monotonic() + 10
        while number + n not in started and time.monotonic() < deadline:
            time.sleep(0.001)
        delays.append(started.get(number + n, float("nan")))
    consumer.stop(graceful=True)
    queue.storage.flush_queue()
    print(f"{name}: enqueue p50 {statistics.median(enqueue) * 1e3:.2f} ms (p95 "
          f"{sorted(enqueue)[int(0.95 * n)] * 1e3:.2f} ms); {n / drained:.0f} jobs/s through one consumer thread; "
          f"submit-to-start p50 {statistics.median(delays) * 1e3:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        measure("huey sqlite", SqliteStorage, args.n, filename=str(Path(folder) / "jobs.sqlite"))
    try:
        measure("huey redis ", RedisStorage, args.n, url=args.redis_url)
    except Exception as error:  # noqa: BLE001
        print(f"huey redis: not measured ({error})")


if __name__ == "__main__":
    main()
