"""Gwangju Civic: residents report everyday problems and ideas, the city routes and resolves them."""
from pathlib import Path

from flask import Flask

from gwangju_civic.config import DEFAULTS, REPO_ROOT, from_environment, sqlalchemy_url


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory: configuration, then extensions, blueprints, error pages and commands."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(REPO_ROOT / "templates"),
    )
    app.config.from_mapping(DEFAULTS)
    app.config.from_mapping(from_environment(Path(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = sqlalchemy_url(app.config["SQLALCHEMY_DATABASE_URI"])
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)

    register_security(app)
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    configure_logging(app)
    return app


def register_security(app: Flask) -> None:
    """Headers, NUL refusal, bounded `<int:…>` ids, strict JSON bodies, proxy trust: before any blueprint."""
    from gwangju_civic import security

    security.init_app(app)


def register_extensions(app: Flask) -> None:
    from gwangju_civic import database, i18n, jobs
    from gwangju_civic.extensions import csrf, db, limiter, login_manager, mail, migrate
    from gwangju_civic.following import triggers
    from gwangju_civic.routing import service as routing_service

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    limiter.init_app(app)
    mail.init_app(app)
    i18n.init_app(app)
    routing_service.init_app(app)
    jobs.init_app(app)
    triggers.init_app(app)  # new submission events write the residents' messages to the outbox


def register_blueprints(app: Flask) -> None:
    from gwangju_civic.admin import bp as admin_bp
    from gwangju_civic.api.open311.admin import bp as open311_admin_bp
    from gwangju_civic.api.open311.routes import bp as open311_bp
    from gwangju_civic.auth.routes import bp as auth_bp
    from gwangju_civic.donations import admin_routes  # noqa: F401  (staff views on the admin blueprint)
    from gwangju_civic.donations.routes import bp as donations_bp
    from gwangju_civic.following.routes import bp as following_bp
    from gwangju_civic.health import bp as health_bp
    from gwangju_civic.intake.routes import bp as intake_bp
    from gwangju_civic.main.routes import bp as main_bp
    from gwangju_civic.maps.routes import bp as maps_bp
    from gwangju_civic.notifications.admin import bp as kept_mail_bp
    from gwangju_civic.notifications.fixed_routes import bp as fixed_bp
    from gwangju_civic.notifications.routes import bp as notifications_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(intake_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(donations_bp)
    app.register_blueprint(following_bp)
    app.register_blueprint(maps_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(fixed_bp)
    app.register_blueprint(kept_mail_bp)
    app.register_blueprint(open311_bp)
    app.register_blueprint(open311_admin_bp)


def register_error_handlers(app: Flask) -> None:
    from gwangju_civic import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from gwangju_civic.api.open311.cli import open311_cli
    from gwangju_civic.auth.cli import users_cli
    from gwangju_civic.donations.cli import donations_cli
    from gwangju_civic.i18n import translate_cli
    from gwangju_civic.intake.cli import intake_cli
    from gwangju_civic.jobs.cli import jobs_cli
    from gwangju_civic.routing.cli import router_cli
    from gwangju_civic.taxonomy.seed import seed_command

    app.cli.add_command(seed_command)
    app.cli.add_command(intake_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(router_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(donations_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(open311_cli)


def configure_logging(app: Flask) -> None:
    """JSON lines: one per request and per job (gwangju_civic/logs.py)."""
    from gwangju_civic import logs

    logs.init_app(app)
