"""CPU per request of the report form (GET /report) and of filing a report (POST /report), in one process.

Process time is far less sensitive than reports/s to other work on the machine, so it tells whether a change
helped. The app runs as gunicorn runs it (CSRF on, router loaded before the first request), through Flask's test
client, on a fresh SQLite file or an emptied PostgreSQL database; texts are bench/report_texts.py's mix.

    python bench/intake_cpu.py --models /path/to/models -n 200
    python bench/intake_cpu.py --models /path/to/models --database-url postgresql://postgres@127.0.0.1/DB
    python bench/intake_cpu.py --models /path/to/models --profile 30   # the 30 costliest calls of POST /report
"""
import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import sqlalchemy as sa  # noqa: E402

from bench.report_texts import describe_mix, report_text  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_app(folder: Path, database_url: str | None, models: Path):
    from gwangju_civic import create_app
    from gwangju_civic.extensions import db
    from gwangju_civic.routing.service import preload
    from gwangju_civic.taxonomy.seed import load_taxonomy, seed_taxonomy

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{folder / 'app.sqlite'}",
        "UPLOAD_FOLDER": str(folder / "uploads"), "SPOOL_FOLDER": str(folder / "spool"),
        "QUEUE_SQLITE_PATH": str(folder / "jobs.sqlite"), "ROUTER_MODELS_DIR": str(models),
        "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False, "RATELIMIT_STORAGE_URI": "memory://",
        "LOG_LEVEL": "WARNING"})
    with app.app_context():
        if database_url:
            db.metadata.drop_all(db.engine)
        db.create_all()
        seed_taxonomy(load_taxonomy())
        db.session.commit()
    preload(app)
    return app


def file_reports(app, count: int, start: int, profiler: cProfile.Profile | None = None
                 ) -> tuple[list[float], dict[str, list[float]]]:
    """CPU ms of each GET /report, and of each POST /report by language (one client: form, then submit)."""
    client = app.test_client()
    gets: list[float] = []
    posts: dict[str, list[float]] = {}
    for number in range(start, start + count):
        began = time.process_time()
        page = client.get("/report")
        gets.append((time.process_time() - began) * 1000)
        match = CSRF.search(page.text)
        assert page.status_code == 200 and match, page.status_code
        lang, title, description = report_text(number)
        form = {"csrf_token": match.group(1), "kind": "problem", "title": title,
                "description": description, "address": "광주 동구 금남로 4가", "latitude": "", "longitude": "",
                "contact_email": "", "contact_phone": ""}
        if profiler:
            profiler.enable()
        began = time.process_time()
        response = client.post("/report", data=form)
        posts.setdefault(lang, []).append((time.process_time() - began) * 1000)
        if profiler:
            profiler.disable()
        assert response.status_code in (302, 303), (response.status_code, response.text[:300])
    return gets, posts


def summary(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    return (f"{name}: mean {statistics.fmean(values):.1f} ms CPU, median {statistics.median(values):.1f}, "
            f"p95 {ordered[int(0.95 * (len(ordered) - 1))]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=Path, default=REPO / "models", help="router versions (with ACTIVE)")
    parser.add_argument("--database-url", help="an EMPTY-able PostgreSQL database (its tables are dropped)")
    parser.add_argument("-n", "--reports", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, metavar="K", help="print the K costliest calls")
    parser.add_argument("--sort", default="cumulative", help="pstats order of --profile (cumulative, tottime)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gwangju-cpu-") as temporary:
        app = make_app(Path(temporary), args.database_url, args.models)
        file_reports(app, 20, 10_000)  # warm-up: caches, templates, the first connections
        profiler = cProfile.Profile() if args.profile else None
        gets, posts = file_reports(app, args.reports, 0, profiler)
        print(f"database: {sa.make_url(app.config['SQLALCHEMY_DATABASE_URI']).get_backend_name()}; "
              f"{describe_mix(args.reports)}")
        print(summary("GET /report", gets))
        print(summary("POST /report", [value for values in posts.values() for value in values]))
        for lang, values in posts.items():
            print(summary(f"  POST /report {lang}", values))
        if profiler:
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.profile)


if __name__ == "__main__":
    main()
