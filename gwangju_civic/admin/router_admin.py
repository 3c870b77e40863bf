"""The router's life cycle for admins: active version and metrics, retrain, activate."""
import logging
import threading
from pathlib import Path

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from gwangju_civic.admin import bp
from gwangju_civic.admin.access import admin_required
from gwangju_civic.admin.forms import ActionForm
from gwangju_civic.routing import versions

log = logging.getLogger(__name__)


class RetrainJob:
    """One background training run at a time per process; its outcome is shown on the router page."""

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.error: str | None = None
        self.version: str | None = None

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self, app) -> None:
        self.error = self.version = None
        self.thread = threading.Thread(target=self._run, args=(app,), name="router-retrain", daemon=True)
        self.thread.start()

    def _run(self, app) -> None:
        with app.app_context():
            try:
                from gwangju_civic.routing.router import Router
                from gwangju_civic.routing.training import training_examples

                router = Router.train(training_examples(), embedding_model=app.config.get("ROUTER_EMBEDDING_MODEL"))
                self.version = router.save(Path(app.config["ROUTER_MODELS_DIR"]), activate=False).name
            except Exception as error:  # shown to the admin; the active router is untouched
                log.exception("router retraining failed")
                self.error = str(error)


def _job() -> RetrainJob:
    return current_app.extensions.setdefault("router_retrain", RetrainJob())


def _models_dir() -> Path:
    return Path(current_app.config["ROUTER_MODELS_DIR"])


@bp.route("/router")
@admin_required
def router():
    return render_template("admin/router.html", versions=versions.list_versions(_models_dir()), job=_job(),
                           form=ActionForm())


@bp.route("/router/retrain", methods=["POST"])
@admin_required
def retrain():
    """Train a new version on seeds plus corrections in the background; it is not activated."""
    job = _job()
    if ActionForm().validate_on_submit() and not job.running:
        job.start(current_app._get_current_object())  # type: ignore[attr-defined]
        flash(_("Training started. The new version appears below when it is ready."), "success")
    return redirect(url_for("admin.router"), code=303)


@bp.route("/router/activate/<name>", methods=["POST"])
@admin_required
def activate(name: str):
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.router"), code=303)
    try:
        versions.activate(_models_dir(), name)
    except ValueError as error:
        flash(str(error), "error")
    else:
        current_app.extensions["router"].reset()
        flash(_("Version %(name)s is now active.", name=name), "success")
    return redirect(url_for("admin.router"), code=303)
