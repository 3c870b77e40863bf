"""Scale-out on one machine: Debian's nginx (deploy/nginx) in front of two gunicorn servers, PostgreSQL, Redis."""
import json
import re
import shutil
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Donation, JobRun, JobState, Submission
from tests.conftest import IS_POSTGRES
from tests.donations.conftest import NOISE_CSV
from tests.runtime.client import CSRF, Visitor
from tests.runtime.conftest import REPO, app_environment, wait_until, worker_args
from tests.runtime.ports import free_port

pytestmark = pytest.mark.deploy
REDIS_URL = "redis://127.0.0.1:6379/5"  # a database number of its own; the test deletes its keys


def redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except Exception:  # noqa: BLE001
        return False


def nginx_config(folder: Path, port: int, backends: list[int]) -> Path:
    """deploy/nginx/gwangju-civic.conf with loopback upstreams, inside a main config whose files are all in `folder`."""
    site = (REPO / "deploy/nginx/gwangju-civic.conf").read_text()
    site = re.sub(r"^\s*server \d[^;]*;.*\n", "", site, flags=re.M)
    servers = "".join(f"    server 127.0.0.1:{backend} max_fails=3 fail_timeout=10s;\n" for backend in backends)
    site = site.replace("upstream gwangju_civic {\n", "upstream gwangju_civic {\n" + servers)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    site = site.replace("/srv/gwangju-civic/app/", f"{REPO}/")
    (folder / "site.conf").write_text(site)
    temporary = "".join(f"    {kind}_temp_path {folder / kind};\n" for kind in
                        ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = folder / "nginx.conf"
    main.write_text(
        f"worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 256; }\n"
        f"http {{\n    access_log {folder / 'access.log'};\n{temporary}"
        f"    include /etc/nginx/mime.types;\n    include {folder / 'site.conf'};\n}}\n")
    return main


def served(log: Path, method: str, path: str) -> int:
    """Requests a server logged (its JSON request lines) for one route."""
    count = 0
    for line in log.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        count += record.get("message") == "request" and record.get("method") == method and record.get("path") == path
    return count


@pytest.fixture
def redis_keys():
    """The queue's name for this test; its keys and the throttle counters are deleted afterwards."""
    name = f"deploy-test-{uuid.uuid4().hex[:8]}"
    yield name
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for pattern in (f"*{name}*", "LIMITER*"):
        for key in client.scan_iter(pattern):
            client.delete(key)


@pytest.mark.skipif(not IS_POSTGRES, reason="the scale-out shape runs on PostgreSQL (set TEST_DATABASE_URL)")
@pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(),
                    reason="Debian's nginx is not installed (make nginx)")
@pytest.mark.skipif(not redis_answers(), reason="Redis is not answering on 127.0.0.1:6379")
def test_nginx_spreads_reports_over_two_servers_that_see_the_client_and_share_one_queue(
        app, trained_router_dir, make_campaign, processes, redis_keys, tmp_path):
    backends, port = [free_port(), free_port()], free_port()
    environment = app_environment(app, REDIS_URL=REDIS_URL, QUEUE_NAME=redis_keys, PROXY_COUNT="1",
                                  SESSION_COOKIE_SECURE="0", WEB_CONCURRENCY="1",
                                  ROUTER_MODELS_DIR=str(trained_router_dir))
    servers = [processes(f"web-{n}", [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "app:app"],
                         {**environment, "GUNICORN_BIND": f"127.0.0.1:{backend}"})
               for n, backend in enumerate(backends, start=1)]
    worker = processes("worker", [*worker_args(), "--no-scheduler"], environment)  # only the web queues jobs
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    processes("nginx", [nginx, "-e", str(tmp_path / "error.log"), "-p", str(tmp_path), "-c",
                        str(nginx_config(tmp_path, port, backends)), "-g", "daemon off;"], environment)
    for server, backend in zip(servers, backends, strict=True):
        wait_until(lambda b=backend, s=server: _ready(b) or s.popen.poll() is not None, 300,
                   f"the server on {backend} to be ready")
        assert server.popen.poll() is None, server.output()
    front = f"http://127.0.0.1:{port}"
    wait_until(lambda: _probe(front, "/healthz") == 200, 60, "nginx")
    with Visitor(front, source="127.0.0.2") as resident, Visitor(front, source="127.0.0.4") as donor:
        _file_and_look_up(app, resident, servers, front)
        _donate(app, donor, make_campaign(), worker)


def _file_and_look_up(app, resident: Visitor, servers: list, front: str) -> None:
    codes = []
    for number in range(6):
        response, code = resident.file_report(f"가로등 고장 {number}", "금남로 버스정류장 앞 가로등이 꺼져서 밤에 어둡습니다.")
        assert response.status == 302 and code, response.text[:500]
        codes.append(code)
    with app.app_context():
        stored = set(db.session.scalars(select(Submission.tracking_code)))
    assert set(codes) <= stored
    # Round robin alternates a resident's form GET and POST between the servers: each serves half of them,
    # the POST of one server is valid on the other (shared secret key), and both file reports.
    shares = [served(server.log, "GET", "/report") + served(server.log, "POST", "/report") for server in servers]
    assert all(shares) and sum(shares) >= 12, f"form requests per server {shares}"

    # The address the app sees is the resident's, behind nginx: its lookups are counted (in Redis, by both
    # servers together) and throttled, while another resident's are not.
    statuses = [_status(resident, f"/track/{codes[0]}") for _ in range(40)]
    assert 429 in statuses and statuses[0] == 200, statuses
    assert all(served(server.log, "GET", "/track/<code>") for server in servers)
    with Visitor(front, source="127.0.0.3") as neighbour:
        assert _status(neighbour, f"/track/{codes[0]}") == 200


def _donate(app, donor: Visitor, campaign_id: int, worker) -> None:
    """A donor's consent, through nginx, queues the fit check; the worker (no scheduler of its own) runs it."""
    token = CSRF.search(donor.get(f"/donate/campaigns/{campaign_id}").text).group(1)
    upload = donor.post(f"/donate/campaigns/{campaign_id}", {"csrf_token": token, "description": "Noise readings "
                        "from my balcony, every night for a week."}, {"data_file": ("readings.csv", NOISE_CSV, "text/csv")})
    assert upload.status == 303, upload.text[:500]
    consent_path = upload.headers["location"].replace("/review/", "/consent/")
    consent_token = consent_path.rsplit("/", 1)[-1]
    page = donor.get(f"/donate/consent/{consent_token}").text
    fields = {name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)
              for name in ("csrf_token", "consent_version", "consent_digest")}
    consented = donor.post(f"/donate/consent/{consent_token}", {**fields, "agree": "y"})
    assert consented.status == 303, consented.text[:500]
    wait_until(lambda: _fit_checked(app), 300, "the worker to run the fit check")
    with app.app_context():
        run = db.session.scalar(select(JobRun).where(JobRun.kind == "fit_check"))
        assert (run.state, run.attempts) == (JobState.DONE, 1), worker.output()


def _ready(port: int) -> bool:
    return _probe(f"http://127.0.0.1:{port}", "/readyz") == 200


def _probe(base: str, path: str) -> int:
    with Visitor(base, timeout=5) as visitor:
        return _status(visitor, path)


def _status(visitor: Visitor, path: str) -> int:
    try:
        return visitor.get(path).status
    except OSError:
        return 0


def _fit_checked(app) -> bool:
    with app.app_context():
        checked = db.session.scalar(select(Donation.fit_score)) is not None
        db.session.remove()
        return checked
