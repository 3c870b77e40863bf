"""The GeoReport v2 endpoints: parse, call a query or operation, answer in the format the extension names."""
import re
from datetime import datetime
from pathlib import Path

from flask import Blueprint, current_app, request
from flask_babel import force_locale
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from gwangju_civic.api.open311 import openapi, operations, queries
from gwangju_civic.api.open311.forms import Invalid, parse_request
from gwangju_civic.api.open311.serializers import errors, respond, w3c
from gwangju_civic.database import discard_session
from gwangju_civic.extensions import client_network, csrf, limiter
from gwangju_civic.security import MAX_ID
from gwangju_civic.taxonomy.seed import TAXONOMY_FILE

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)  # clients authenticate with api_key, not with a session cookie
FORMAT = "<any(json, xml):fmt>"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# W3C date-time (a profile of ISO 8601): the offset (Z or ±hh:mm) is required, so no time is ambiguous.
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$")
MAX_IDS = queries.MAX_REQUESTS


def _client_key() -> str:
    """Throttle per API key when a valid one is sent, else per client address: made-up keys buy no budget."""
    key = request.form.get("api_key") or request.args.get("api_key")
    if key:
        try:
            if operations.is_active_key(key):
                return "key:" + operations.key_hash(key)
        except operations.OUTAGE:  # the key cannot be checked: count the caller by its address meanwhile
            discard_session()
    return "address:" + client_network()


# One budget per key (or address) across every Open311 call.
throttle = limiter.shared_limit(lambda: current_app.config["OPEN311_THROTTLE"], scope="open311",
                                key_func=_client_key)


def _fmt() -> str:
    return "xml" if request.path.endswith(".xml") else "json"


def _locale() -> str:
    wanted = (request.args.get("locale") or request.form.get("locale") or "").split("_")[0].split("-")[0].lower()
    languages = current_app.config["LANGUAGES"]
    return wanted if wanted in languages else request.accept_languages.best_match(languages) or "en"


@bp.errorhandler(Invalid)
def invalid(error: Invalid):
    return errors(_fmt(), error.status, str(error))


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    return errors(_fmt(), error.code or 500, error.description or error.name)


@bp.errorhandler(OperationalError)
@bp.errorhandler(InterfaceError)
def database_down(error: Exception):
    discard_session()
    current_app.logger.error("open311: database unavailable: %s", error)
    return errors(_fmt(), 503, "the database is briefly unavailable; try again in a few minutes")


@bp.errorhandler(Exception)
def unexpected(error: Exception):
    discard_session()
    current_app.logger.exception("open311: unhandled error")
    return errors(_fmt(), 500, "something went wrong on our side; try again in a few minutes")


@bp.route(f"/discovery.{FORMAT}")
@throttle
def discovery(fmt: str):
    changeset = w3c(datetime.fromtimestamp(TAXONOMY_FILE.stat().st_mtime).astimezone())
    endpoint = {"specification": SPECIFICATION, "url": current_app.config["PUBLIC_URL"].rstrip("/") + bp.url_prefix,
                "changeset": changeset, "type": "production", "formats": ["text/xml", "application/json"]}
    document = {"changeset": changeset, "contact": current_app.config["OPEN311_CONTACT"],
                "key_service": current_app.config["OPEN311_KEY_SERVICE"], "endpoints": [endpoint]}
    return respond(fmt, document, root="discovery")


@bp.route(f"/services.{FORMAT}")
@throttle
def services(fmt: str):
    locale = _locale()
    records = [queries.service_record(row, locale) for row in queries.categories()]
    records.append(queries.service_record(None, locale))
    return respond(fmt, records, root="services", item="service")


@bp.route(f"/services/<string(maxlength=40):service_code>.{FORMAT}")
@throttle
def service_definition(service_code: str, fmt: str):
    if service_code != queries.GENERIC_SERVICE and queries.category(service_code) is None:
        raise Invalid(f"service_code {service_code} does not exist", status=404)
    with force_locale(_locale()):
        definition = queries.service_definition(service_code)
    return respond(fmt, definition, root="service_definition")


@bp.route(f"/requests.{FORMAT}", methods=["POST"])
@throttle
def create_request(fmt: str):
    if not request.form.get("api_key"):
        raise Invalid("api_key is required", status=403)
    posted = parse_request(request.form)
    locale = _locale()
    with force_locale(locale):
        filed = operations.file_request(request.form["api_key"], posted, locale)
    if filed.token is not None:
        return respond(fmt, [{"token": filed.token}], root="service_requests", item="request", status=202)
    record = {"service_request_id": filed.service_request_id, "service_notice": filed.service_notice,
              "account_id": None}
    return respond(fmt, [record], root="service_requests", item="request", status=201)


@bp.route(f"/requests.{FORMAT}")
@throttle
def list_requests(fmt: str):
    filters = _filters()
    locale = _locale()
    with force_locale(locale):
        found = queries.find_requests(filters)
        links = queries.media_urls(found)
        records = [queries.request_record(row, locale, links.get(row.id)) for row in found]
    return respond(fmt, records, root="service_requests", item="request")


@bp.route(f"/requests/<string(maxlength=40):service_request_id>.{FORMAT}")
@throttle
def show_request(service_request_id: str, fmt: str):
    found = queries.find_request(int(service_request_id)) if _is_id(service_request_id) else None
    if found is None:
        raise Invalid(f"service request {service_request_id} does not exist", status=404)
    locale = _locale()
    with force_locale(locale):
        record = queries.request_record(found, locale, queries.media_urls([found]).get(found.id))
    return respond(fmt, [record], root="service_requests", item="request")


@bp.route(f"/tokens/<string(maxlength=100):token>.{FORMAT}")
@throttle
def resolve_token(token: str, fmt: str):
    """A spooled report's id once it is filed; while it waits in the spool the id is empty."""
    folder = Path(current_app.config["SPOOL_FOLDER"])
    try:
        submission_id = queries.filed_under_token(token)
    except (OperationalError, InterfaceError):
        discard_session()
        if not queries.spooled_with_token(folder, token):
            raise
        submission_id = None
    else:
        if submission_id is None and not queries.spooled_with_token(folder, token):
            submission_id = queries.filed_under_token(token)  # filed between the two looks
            if submission_id is None:
                raise Invalid("token does not exist", status=404)
    record = {"service_request_id": None if submission_id is None else str(submission_id), "token": token}
    return respond(fmt, [record], root="service_requests", item="request")


@bp.route("/openapi.json")
def openapi_document():
    return respond("json", openapi.document(current_app.config["PUBLIC_URL"].rstrip("/") + bp.url_prefix))


@bp.route("/<path:anything>", methods=["GET", "POST"])
def unknown(anything: str):
    raise Invalid(f"no such resource: {anything}", status=404)


def _is_id(value: str) -> bool:
    """A database id; the length check comes first, as int() refuses strings of over 4,300 digits."""
    return value.isascii() and value.isdigit() and len(value) <= len(str(MAX_ID)) and 0 < int(value) <= MAX_ID


def _filters() -> queries.RequestFilters:
    args = request.args
    raw_ids = args.get("service_request_id", "").strip()
    if raw_ids:
        parts = [part.strip() for part in raw_ids.split(",")]
        if len(parts) > MAX_IDS:
            raise Invalid(f"at most {MAX_IDS} service_request_id values")
        return queries.RequestFilters(ids=[int(part) for part in parts if _is_id(part)])
    filters = queries.RequestFilters(
        service_codes=[code.strip() for code in args.get("service_code", "").split(",") if code.strip()][:MAX_IDS],
        start=_date("start_date"), end=_date("end_date"))
    if filters.start and filters.end and filters.start > filters.end:
        raise Invalid("start_date is after end_date")
    for name in [part.strip().lower() for part in args.get("status", "").split(",") if part.strip()]:
        if name not in queries.STATUSES:
            raise Invalid("status must be open or closed")
        filters.statuses |= queries.STATUSES[name]
    return filters


def _date(name: str) -> datetime | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not W3C_DATETIME.match(raw):
        raise Invalid(f"{name} must be a W3C date-time with an offset, e.g. 2024-05-01T09:00:00+09:00")
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"{name} is not a real date and time") from None
