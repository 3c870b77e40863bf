"""Staff sign-in and sign-out under /admin."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from gwangju_civic.auth.devices import known_device, remember_device
from gwangju_civic.auth.forms import LoginForm
from gwangju_civic.auth.services import authenticate, end_sessions, user_for_session
from gwangju_civic.extensions import client_network, db, limiter, login_manager
from gwangju_civic.i18n import current_language
from gwangju_civic.models import User

bp = Blueprint("auth", __name__, url_prefix="/admin")

ACCOUNT_SCOPE = "account"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    return user_for_session(session_id)


def _account_key() -> str:
    """Attempts are counted per address and e-mail, so a guesser does not lock out colleagues at that address."""
    return f"{client_network()}:{_submitted_email()}"


def _submitted_email() -> str:
    return (request.form.get("email") or "").strip().lower()


def _failed(response) -> bool:
    return response.status_code != 302


def _forget_failed_attempts() -> None:
    """The right password clears the count for this address and e-mail (not the looser per-address one)."""
    for counted in limiter.current_limits:
        if counted.request_args[-1].endswith(f":{ACCOUNT_SCOPE}"):
            limiter.limiter.clear(counted.limit, *counted.request_args)


@bp.route("/login", methods=["GET", "POST"])
# Counted before the password is checked: 40 guesses sent at once meet a limit of 5, not 40 hash checks.
@limiter.limit(lambda: current_app.config["LOGIN_THROTTLE"], methods=["POST"], key_func=_account_key,
               scope=ACCOUNT_SCOPE)
# Looser, per address whatever the e-mail, counting failures only: slows spraying one password over many accounts.
# A browser where this account signed in before is exempt, so a spray never locks colleagues out of their office.
@limiter.limit(lambda: current_app.config["LOGIN_ADDRESS_THROTTLE"], methods=["POST"], scope="address",
               deduct_when=_failed, exempt_when=lambda: known_device(request.cookies, _submitted_email()))
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.queue"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data, current_language())
        if user is not None:
            login_user(user)
            db.session.commit()
            _forget_failed_attempts()
            response = redirect(_safe_next(request.args.get("next")))
            remember_device(response, user.email)
            return response
        form.password.errors.append(_("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form), 401 if form.is_submitted() else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    end_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("You are signed out."))
    return redirect(url_for("auth.login"), code=303)


def _safe_next(target: str | None) -> str:
    """Follow ?next= only within this site."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("admin.queue")
