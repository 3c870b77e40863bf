"""Workers starting together agree on one secret key, created once with owner-only permissions."""
import multiprocessing
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gwangju_civic.config import from_environment


@pytest.fixture(autouse=True)
def no_secret_key_in_the_environment(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)


def _key_in_a_worker(instance: str, barrier, keys) -> None:
    barrier.wait()
    keys.put(from_environment(Path(instance))["SECRET_KEY"])


def test_processes_starting_together_share_one_key(tmp_path):
    context = multiprocessing.get_context("spawn")  # a fresh interpreter each, as gunicorn workers have
    workers = 6
    barrier, keys = context.Barrier(workers), context.Queue()
    processes = [context.Process(target=_key_in_a_worker, args=(str(tmp_path), barrier, keys)) for _ in range(workers)]
    for process in processes:
        process.start()
    found = [keys.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=120)
    key_file = tmp_path / "secret_key"
    assert len(set(found)) == 1 and len(found[0]) == 64 and key_file.read_text() == found[0]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_threads_starting_together_share_one_key_every_time(tmp_path):
    for round_number in range(25):
        instance = tmp_path / f"instance-{round_number}"
        instance.mkdir()
        threads = 8
        barrier = threading.Barrier(threads)

        def start(_: int, instance: Path = instance, barrier: threading.Barrier = barrier) -> str:
            barrier.wait()
            return from_environment(instance)["SECRET_KEY"]

        with ThreadPoolExecutor(max_workers=threads) as pool:
            keys = set(pool.map(start, range(threads)))
        assert len(keys) == 1 and len(keys.pop()) == 64, f"round {round_number}"


def test_an_existing_key_is_kept(tmp_path):
    (tmp_path / "secret_key").write_text("k" * 64 + "\n")
    assert from_environment(tmp_path)["SECRET_KEY"] == "k" * 64
