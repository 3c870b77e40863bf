"""Activating a router version reaches every process within seconds, without restarts, through the database."""
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from gwangju_civic import create_app
from gwangju_civic.extensions import db
from gwangju_civic.models import RouterActivation, Submission
from gwangju_civic.routing.service import RouterLoader, preload
from tests.factories import form_data
from tests.runtime.conftest import wait_until


@pytest.fixture
def two_versions(app, trained_router_dir: Path, tmp_path: Path) -> tuple[str, str]:
    """The trained router and a copy of it under another version name, in a models folder of the test's own."""
    models = tmp_path / "two-models"
    shutil.copytree(trained_router_dir, models)
    first = (models / "ACTIVE").read_text().strip()
    second = "20990101T000000000000Z-second"
    shutil.copytree(models / first, models / second)
    metadata = json.loads((models / second / "metadata.json").read_text())
    (models / second / "metadata.json").write_text(json.dumps({**metadata, "version": second}))
    app.config["ROUTER_MODELS_DIR"] = str(models)
    app.extensions["router"] = RouterLoader(models, float(app.config["ROUTER_CHECK_SECONDS"]))
    return first, second


@pytest.mark.app_config(ROUTER_CHECK_SECONDS=0)
def test_activating_a_version_reaches_another_running_process_without_restart(app, app_config, runner, two_versions):
    first, second = two_versions
    other = create_app({**app_config, "ROUTER_MODELS_DIR": app.config["ROUTER_MODELS_DIR"]})  # another worker
    try:
        _switches_with_the_database(app, other, runner, first, second)
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def _switches_with_the_database(app, other, runner, first: str, second: str) -> None:
    assert preload(other) == first and preload(app) == first
    client = other.test_client()

    result = runner.invoke(args=["router", "activate", second])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(RouterActivation.version)) == second
    # The other process notices on its next request and loads the version in the background.
    wait_until(lambda: client.get("/readyz").json["router_version"] == second, 120, "the other process to switch")
    with other.app_context():
        from gwangju_civic.routing.service import current_router

        assert current_router().version == second

    rollback = runner.invoke(args=["router", "activate", first])
    assert rollback.exit_code == 0, rollback.output
    wait_until(lambda: client.get("/readyz").json["router_version"] == first, 120, "the rollback to reach it")


def test_activation_of_an_unknown_version_is_refused(runner, app, two_versions):
    result = runner.invoke(args=["router", "activate", "../etc"])
    assert result.exit_code != 0 and "no router version" in result.output
    with app.app_context():
        assert db.session.scalar(select(RouterActivation)) is None


@pytest.mark.app_config(ROUTER_CHECK_SECONDS=0, ROUTER_CONFIDENCE_THRESHOLD=0.0)
def test_activation_from_the_admin_page_is_recorded_and_used_for_the_next_reports(app, client, auth, two_versions):
    first, second = two_versions
    preload(app)
    auth.login("admin")
    page = client.get("/admin/router").get_data(as_text=True)
    assert f'id="version-{first}"' in page and f"/admin/router/activate/{second}" in page
    assert client.post(f"/admin/router/activate/{second}", data={}).status_code == 303
    with app.app_context():
        activation = db.session.scalar(select(RouterActivation))
        assert (activation.version, activation.activated_by) == (second, "admin@gwangju-civic.example")
    wait_until(lambda: client.get("/readyz").json["router_version"] == second, 120, "the switch")
    response = client.post("/report", data=form_data())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        submission = db.session.scalar(select(Submission).order_by(Submission.id.desc()))
        assert submission is not None and submission.routing["model_version"] == second
