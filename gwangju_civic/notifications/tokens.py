"""Signed, timestamped tokens for links in messages (unsubscribe, "is it fixed?", confirm a follow)."""
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class BadToken(ValueError):
    """A token that was tampered with, made for another purpose, or is too old; `expired` tells which."""

    def __init__(self, message: str, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    """One salt per purpose, so a token made for one link is refused by every other."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"gwangju_civic.{purpose}")


def make_token(purpose: str, **data: str | int) -> str:
    """Sign `data` for `purpose` with the shared SECRET_KEY; the signing time is inside the token."""
    return _serializer(purpose).dumps(data)


def read_token(purpose: str, token: str, max_age: int) -> dict[str, Any]:
    """The data of a valid token no older than `max_age` seconds; raises BadToken otherwise."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise BadToken("expired token", expired=True) from error
    except BadSignature as error:
        raise BadToken("invalid token") from error
    if not isinstance(data, dict):
        raise BadToken("invalid token")
    return data
