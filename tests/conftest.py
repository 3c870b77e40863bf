"""Fixtures: an app on a real database (SQLite file or PostgreSQL), its client and CLI runner, factories."""
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("SECRET_KEY", "test-secret-key")

from gwangju_civic import create_app  # noqa: E402
from gwangju_civic.config import DEFAULTS, sqlalchemy_url  # noqa: E402
from gwangju_civic.extensions import db  # noqa: E402
from gwangju_civic.i18n import compile_catalogs  # noqa: E402
from gwangju_civic.taxonomy.seed import load_taxonomy, seed_taxonomy  # noqa: E402

# TEST_DATABASE_URL picks the database server; unset means a fresh SQLite file per test.
DATABASE_URL = sqlalchemy_url(os.environ.get("TEST_DATABASE_URL", "sqlite"))
IS_POSTGRES = DATABASE_URL.startswith("postgresql")


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {'PostgreSQL ' + DATABASE_URL if IS_POSTGRES else 'SQLite (a file per test)'}"


def pytest_sessionstart(session: pytest.Session) -> None:
    compile_catalogs(Path(DEFAULTS["BABEL_TRANSLATION_DIRECTORIES"]))


@pytest.fixture(scope="session")
def postgres_schema() -> None:
    """On PostgreSQL, build the schema once per run; each test then starts from emptied tables."""
    if not IS_POSTGRES:
        return
    engine = sa.create_engine(DATABASE_URL)
    db.metadata.drop_all(engine)
    db.metadata.create_all(engine)
    engine.dispose()


def make_config(tmp_path: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": DATABASE_URL if IS_POSTGRES else f"sqlite:///{tmp_path / 'test.sqlite'}",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "SPOOL_FOLDER": str(tmp_path / "spool"),
        "ROUTER_MODELS_DIR": str(tmp_path / "models"),
        "QUEUE_SQLITE_PATH": str(tmp_path / "jobs.sqlite"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",  # each test its own counters, even when REDIS_URL is set
    }
    config.update(overrides)
    return config


def reset_database() -> None:
    if IS_POSTGRES:
        tables = ", ".join(table.name for table in db.metadata.sorted_tables)
        db.session.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        db.create_all()
    seed_taxonomy(load_taxonomy())
    db.session.commit()


@pytest.fixture
def app_config(tmp_path: Path, request: pytest.FixtureRequest) -> dict:
    """The test configuration; `@pytest.mark.app_config(KEY=value)` changes it for one test."""
    marker = request.node.get_closest_marker("app_config")
    return make_config(tmp_path, **(marker.kwargs if marker else {}))


@pytest.fixture
def app(app_config: dict, postgres_schema: None):
    app = create_app(app_config)
    with app.app_context():
        reset_database()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


pytest_plugins = ["tests.factories", "tests.staff"]


SMALL_CORPUS_CATEGORIES = ("pothole", "streetlight_out", "illegal_dumping", "noise", "flooding", "stray_animals")


@pytest.fixture(scope="session")
def trained_router_dir(tmp_path_factory) -> Path:
    """A real router (bundled MiniLM + the real heads) trained once per run on a slice of the seed corpus."""
    from gwangju_civic.routing.corpus import load_seed_corpus, taxonomy_from_json
    from gwangju_civic.routing.router import Router
    from gwangju_civic.routing.training import SEED_CORPUS_DIR
    from gwangju_civic.taxonomy.seed import TAXONOMY_FILE

    examples = [
        example
        for example in load_seed_corpus(SEED_CORPUS_DIR, taxonomy_from_json(TAXONOMY_FILE))
        if example.category in SMALL_CORPUS_CATEGORIES
    ]
    directory = tmp_path_factory.mktemp("models")
    Router.train(examples[::2]).save(directory)
    return directory


def use_router(app, directory: Path) -> Path:
    """Point the app at the routers in `directory`, as `make run` does with models/."""
    from gwangju_civic.routing.service import RouterLoader, preload

    app.config["ROUTER_MODELS_DIR"] = str(directory)
    app.extensions["router"] = RouterLoader(directory)
    preload(app)  # as each gunicorn worker and the queue worker do at start: no model is loaded inside a request
    return directory


@pytest.fixture
def with_router(app, trained_router_dir):
    return use_router(app, trained_router_dir)
