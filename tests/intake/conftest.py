"""Intake fixtures: an app whose database is unreachable, and a database that refuses writes for real."""
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from gwangju_civic.extensions import db
from tests.conftest import IS_POSTGRES

UNREACHABLE_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2"


@pytest.fixture
def outage_app(tmp_path) -> Iterator[Flask]:
    """The same application, but its database server cannot be reached."""
    from gwangju_civic import create_app
    from tests.conftest import make_config

    app = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI=UNREACHABLE_DATABASE))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def refuse_writes(app: Flask) -> Iterator[Callable[[str], None]]:
    """`refuse_writes("UPDATE")`: from now on the database itself refuses that statement on submissions."""
    created: list[str] = []

    def refuse(statement: str) -> None:
        name = f"refuse_{statement.lower()}"
        with app.app_context():
            if IS_POSTGRES:
                db.session.execute(text(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                                        "$$ BEGIN RAISE EXCEPTION 'the disk is full'; END $$"))
                db.session.execute(text(f"CREATE TRIGGER {name} BEFORE {statement} ON submissions "
                                        f"FOR EACH ROW EXECUTE FUNCTION {name}()"))
            else:
                db.session.execute(text(f"CREATE TRIGGER {name} BEFORE {statement} ON submissions "
                                        "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"))
            db.session.commit()
        created.append(name)

    yield refuse
    with app.app_context():
        for name in created:
            if IS_POSTGRES:
                db.session.execute(text(f"DROP TRIGGER IF EXISTS {name} ON submissions"))
                db.session.execute(text(f"DROP FUNCTION IF EXISTS {name}()"))
            else:
                db.session.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        db.session.commit()
