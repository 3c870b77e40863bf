"""Migrations build the same schema as the models, up and down, on a fresh database."""
import uuid

import psycopg
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from gwangju_civic import create_app
from gwangju_civic.extensions import db
from tests.conftest import DATABASE_URL, IS_POSTGRES


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database of the kind this run tests: a new SQLite file, or a new PostgreSQL database."""
    if not IS_POSTGRES:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"gjc_migrations_{uuid.uuid4().hex[:12]}"
    admin_url = sa.make_url(DATABASE_URL).set(drivername="postgresql")  # psycopg's own URL form
    with psycopg.connect(admin_url.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield sa.make_url(DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin_url.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def schema_differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade_matches_models(fresh_database_url, tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": fresh_database_url,
                      "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    with app.app_context():
        upgrade()
        assert table_names() == set(db.metadata.tables)
        assert schema_differences() == []
        downgrade(revision="base")
        assert table_names() == set()
        upgrade()
        assert schema_differences() == []
        db.engine.dispose()


def test_reports_pinned_before_districts_get_theirs(fresh_database_url, tmp_path):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": fresh_database_url,
                      "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    columns = ("tracking_code, kind, title, description, language, public_title, public_description, "
               "is_anonymous, status, created_at, updated_at, latitude, longitude")
    with app.app_context():
        upgrade(revision="0007")
        with db.engine.begin() as connection:
            for code, latitude, longitude in (("GJ-CITY-HALL", 35.1600, 126.8526), ("GJ-SEOUL-0001", 37.5663, 126.9779),
                                              ("GJ-NO-POINT1", None, None)):
                connection.execute(sa.text(
                    f"INSERT INTO submissions ({columns}) VALUES (:code, 'problem', 't', 'd', 'ko', 't', 'd', "
                    ":no, 'new', :now, :now, :latitude, :longitude)"),
                    {"code": code, "no": False, "now": "2026-01-01 00:00:00+00:00", "latitude": latitude,
                     "longitude": longitude})
        upgrade()
        with db.engine.connect() as connection:
            found = dict(connection.execute(sa.text("SELECT tracking_code, district_code FROM submissions")).all())
        assert found == {"GJ-CITY-HALL": "29140", "GJ-SEOUL-0001": None, "GJ-NO-POINT1": None}
        db.engine.dispose()
