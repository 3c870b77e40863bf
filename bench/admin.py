"""Admin panel speed on 100,000 submissions in PostgreSQL: p50/p95 of the pages staff use most.

Run: .venv/bin/python bench/admin.py [--rows 100000] [--runs 40]
Uses (and fills once) the database at BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/gjc_bench.
"""
import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import psycopg
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("SECRET_KEY", "bench")

from flask_migrate import upgrade  # noqa: E402

from gwangju_civic import create_app  # noqa: E402
from gwangju_civic.codes import TRACKING_CODE  # noqa: E402
from gwangju_civic.config import sqlalchemy_url  # noqa: E402
from gwangju_civic.extensions import db  # noqa: E402
from gwangju_civic.models import (  # noqa: E402
    Category,
    Role,
    Status,
    Submission,
    SubmissionEmbedding,
    SubmissionEvent,
    User,
    utcnow,
)  # noqa: E402
from gwangju_civic.taxonomy.seed import load_taxonomy, seed_taxonomy  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/gjc_bench"
STATUS_MIX = {Status.NEEDS_TRIAGE: 15, Status.ROUTED: 25, Status.ASSIGNED: 15, Status.IN_PROGRESS: 10,
              Status.RESOLVED: 25, Status.CLOSED: 5, Status.REJECTED: 3, Status.DUPLICATE: 2}
TARGET_MS = 150.0


def ensure_database(url: str) -> None:
    target = sa.make_url(url)
    admin = target.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (target.database,)).fetchone():
            conn.execute(f'CREATE DATABASE "{target.database}"')


def generate(rows: int, rng: random.Random) -> None:
    """Insert generated submissions (with a creation event and an embedding each) in batches."""
    categories = db.session.scalars(sa.select(Category)).all()
    statuses = [s for s, weight in STATUS_MIX.items() for _ in range(weight)]
    now = utcnow()
    vectors = np.random.default_rng(0).standard_normal((64, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    batch = 5000
    for start in range(0, rows, batch):
        submissions = []
        for _ in range(min(batch, rows - start)):
            category = rng.choice(categories)
            status = rng.choice(statuses)
            created = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            triaged = status != Status.NEEDS_TRIAGE
            done = status in (Status.RESOLVED, Status.CLOSED)
            resolved = created + timedelta(hours=rng.randint(2, 400)) if done else None
            submissions.append({
                "tracking_code": TRACKING_CODE.new(), "kind": "problem", "status": status.value,
                "title": f"{category.name_ko} 신고 {start}",
                "description": f"{category.name_en} near block {rng.randint(1, 999)}",
                "language": "ko", "latitude": 35.1 + rng.random() * 0.1, "longitude": 126.8 + rng.random() * 0.1,
                "address": None, "contact_email": None, "contact_phone": None, "is_anonymous": False,
                "department_id": category.department_id if triaged else None,
                "category_id": category.id if triaged else None,
                "plan_priority_id": category.plan_priority_id if triaged else None,
                "urgency": category.urgency.value if triaged else None,
                "due_at": created + category.urgency.response_time if triaged else None,
                "routing_confidence": rng.random(), "routing": None,
                "routing_outcome": rng.choice(["accepted", "accepted", "corrected", None]) if triaged else None,
                "first_response_at": created + timedelta(hours=rng.randint(1, 72)) if triaged else None,
                "resolved_at": resolved, "created_at": created, "updated_at": created,
            })
        ids = db.session.execute(sa.insert(Submission).returning(Submission.id), submissions).scalars().all()
        db.session.execute(sa.insert(SubmissionEmbedding), [
            {"submission_id": i, "vector": vectors[rng.randrange(64)].tobytes(), "model_version": "bench"}
            for i in ids])
        db.session.execute(sa.insert(SubmissionEvent), [
            {"submission_id": i, "actor": "citizen", "action": "created", "new_value": "new", "is_public": True,
             "created_at": now} for i in ids])
        db.session.commit()
        print(f"  inserted {start + len(submissions):,} submissions", flush=True)


def timed(client, url: str, runs: int) -> tuple[float, float]:
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, url
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False})
    with app.app_context():
        upgrade()
        seed_taxonomy(load_taxonomy())
        db.session.commit()
        existing = db.session.scalar(sa.select(sa.func.count()).select_from(Submission))
        if existing < args.rows:
            print(f"generating {args.rows - existing:,} submissions into {sqlalchemy_url(url)}")
            generate(args.rows - existing, random.Random(existing))
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text("VACUUM ANALYZE"))  # what autovacuum does for a live database
        if not db.session.scalar(sa.select(User).where(User.email == "bench@gwangju-civic.example")):
            user = User(email="bench@gwangju-civic.example", name="Bench", role=Role.ADMIN)
            user.set_password("bench password 1")
            db.session.add(user)
            db.session.commit()
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Submission))
        sample_id = db.session.scalar(sa.select(Submission.id).where(Submission.status == Status.ROUTED).limit(1))
    client = app.test_client()
    client.post("/admin/login", data={"email": "bench@gwangju-civic.example", "password": "bench password 1"})
    pages = {
        "triage list": "/admin/queue",
        "filtered list": "/admin/queue?department=roads&urgency=P2&status=open&page=3",
        "detail page": f"/admin/submissions/{sample_id}",
        "dashboard": "/admin/dashboard",
    }
    print(f"\nadmin pages on PostgreSQL with {total:,} submissions ({args.runs} runs each after warm-up)")
    print(f"{'page':16} {'p50 ms':>8} {'p95 ms':>8}  target p95 <= {TARGET_MS:.0f} ms")
    for name, page in pages.items():
        p50, p95 = timed(client, page, args.runs)
        print(f"{name:16} {p50:8.1f} {p95:8.1f}  {'ok' if p95 <= TARGET_MS else 'MISSED'}")


if __name__ == "__main__":
    main()
