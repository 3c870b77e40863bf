"""gunicorn settings for `make run` and production: WEB_CONCURRENCY workers, each loading the router before traffic.

Every value comes from the environment with a default that suits `make run` on a 2-core machine.
"""
import os
import threading

# One torch/BLAS thread per worker process: with several workers on few cores, more threads only contend.
for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "TOKENIZERS_PARALLELISM"):
    os.environ.setdefault(variable, "false" if variable == "TOKENIZERS_PARALLELISM" else "1")

bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", 2))
# Threads overlap a request's database and file waits; routing itself holds one core per worker. Two measured
# best on 2 cores (bench/load.py on PostgreSQL: 1 thread 45, 2 threads 55-57, 3 52, 4 47-50 reports/s): more
# threads than that only queue for the interpreter lock and wake each other.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 2))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 20))
# Not preload_app: torch is not fork-safe once its thread pools exist, so each worker imports and loads its own.
preload_app = False
accesslog = None  # the app writes one JSON line per request (gwangju_civic/logs.py)
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "gwangju_civic.logs.json_formatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "root": {"handlers": ["stderr"], "level": "INFO"},
    "loggers": {"gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
                "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False}},
}


def post_worker_init(worker) -> None:
    """Load the active router before this worker accepts a connection, telling the arbiter it is alive meanwhile."""
    from gwangju_civic.routing.service import preload

    loaded: list[str | None] = []
    thread = threading.Thread(target=lambda: loaded.append(preload(worker.wsgi)), daemon=True)
    thread.start()
    while thread.is_alive():
        worker.notify()  # loading takes longer than `timeout` on a busy machine; the arbiter must not kill us
        thread.join(1.0)
    worker.log.info("worker %s ready with router %s", worker.pid, loaded[0] if loaded else None)
