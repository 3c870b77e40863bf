"""Error pages that answer HTML or JSON, whichever the client asked for."""
import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from gwangju_civic.database import discard_session

log = logging.getLogger(__name__)

MESSAGES = {
    400: _l("The request could not be understood. Please go back and try again."),
    403: _l("You do not have access to this page."),
    404: _l("We could not find that page or tracking code."),
    413: _l("The upload is too large. Photos may be at most %(mb)s MB each."),
    429: _l("Too many attempts. Please wait a few minutes and try again."),
    500: _l("Something went wrong on our side. Please try again in a few minutes."),
    503: _l("The service is briefly unavailable. Please try again in a few minutes."),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, message: str | None = None):
    from flask import current_app

    text = message or str(MESSAGES.get(status, MESSAGES[500]))
    if status == 413:
        text = text % {"mb": current_app.config["MAX_PHOTO_BYTES"] // (1024 * 1024)}
    if wants_json():
        return jsonify(error={"status": status, "message": text}), status
    return render_template("errors/error.html", status=status, message=text), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return error_response(error.code or 500)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_response(400, str(_l("The form expired. Please reload the page and send it again.")))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: Exception):
        log.error("database unavailable: %s", error)
        discard_session()
        return error_response(503)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.exception("unhandled error")
        discard_session()
        return error_response(500)

