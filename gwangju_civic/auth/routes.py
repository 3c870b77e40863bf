"""Staff sign-in and sign-out under /admin."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from gwangju_civic.auth.forms import LoginForm
from gwangju_civic.auth.services import authenticate
from gwangju_civic.extensions import db, limiter, login_manager
from gwangju_civic.models import User

bp = Blueprint("auth", __name__, url_prefix="/admin")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def _failed_attempt(response) -> bool:
    """Only failed sign-ins count towards the throttle; a success redirects."""
    return response.status_code != 302


def _login_key() -> str:
    return f"{request.remote_addr}:{(request.form.get('email') or '').strip().lower()}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_THROTTLE"], methods=["POST"],
               key_func=_login_key, deduct_when=_failed_attempt)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.queue"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form), 401 if form.is_submitted() else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("You are signed out."))
    return redirect(url_for("auth.login"), code=303)


def _safe_next(target: str | None) -> str:
    """Follow ?next= only within this site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("admin.queue")
