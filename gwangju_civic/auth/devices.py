"""Known-device cookies (OWASP's answer to lock-outs): a browser where an account signed in before is recognised.

A password spray from a shared office address trips the per-address throttle; staff signing in from their own
browser carry this signed cookie for their e-mail and are not locked out by it.
"""
from collections.abc import Mapping

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

COOKIE = "gjc_device"
MAX_AGE = 180 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def remember_device(response: Response, email: str) -> None:
    """After a successful sign-in: this browser now knows this account."""
    response.set_cookie(COOKIE, _serializer().dumps(email.strip().lower()), max_age=MAX_AGE, httponly=True,
                        secure=current_app.config["SESSION_COOKIE_SECURE"], samesite="Lax", path="/admin")


def known_device(cookies: Mapping[str, str], email: str) -> bool:
    """Whether the browser signed in as `email` (lower-cased) within the last 180 days."""
    token = cookies.get(COOKIE)
    if not token or not email:
        return False
    try:
        return bool(_serializer().loads(token, max_age=MAX_AGE) == email)
    except BadSignature:
        return False
