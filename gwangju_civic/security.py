"""Request-level protection: security headers, NUL refusal, bounded ids, strict JSON bodies, the real client address."""
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from gwangju_civic import json_input
from gwangju_civic.errors import error_response

# The largest value of a PostgreSQL `integer` column: every id in a URL is one.
MAX_ID = 2**31 - 1
HSTS = "max-age=31536000"
# Never kept by a browser or proxy: staff pages, and pages whose address or answer carries a secret (the donor's
# previews and withdrawal code, signed links in messages). Exports and other downloads: see _is_download.
NO_STORE_PREFIXES = ("/admin", "/donate/review", "/donate/consent", "/donate/receipt", "/donate/withdraw",
                     "/unsubscribe/", "/follow/confirm/", "/fixed/")
NUL_MESSAGE = _l("The request contains a NUL character, which cannot be stored. Remove it and send the form again.")


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` that matches only values a database id can hold, so a 20-digit id is a 404, not an overflow."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class StrictJSONProvider(DefaultJSONProvider):
    """JSON that Flask parses (request bodies, the session) goes through the donated-file parser: no NaN, no
    Infinity, no over-long numbers, no deep nesting, no lone surrogates, so a hostile body is a 400, never a 500."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if kwargs:  # a caller with its own hooks gets the standard parser it asked for
            return super().loads(s, **kwargs)
        return json_input.loads(s.decode("utf-8") if isinstance(s, bytes) else s)


def content_security_policy(extra_img_sources: str) -> str:
    """Only this site's own scripts and styles; images may also come from configured hosts (map tiles)."""
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": " ".join(["'self'", *extra_img_sources.split()]),
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def tile_source(tile_url: str) -> str:
    """The CSP source of a map tile URL template: its scheme and host, `{s}` subdomains as a wildcard."""
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return ""  # a relative template is served by this site: 'self' covers it
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def init_app(app: Flask) -> None:
    """Install everything; call before blueprints are registered (their `<int:…>` rules use the converter)."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.json = StrictJSONProvider(app)
    if proxies := int(app.config.get("PROXY_COUNT") or 0):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    image_sources = f"{app.config.get('CSP_IMG_SRC', '')} {tile_source(app.config.get('MAP_TILE_URL', ''))}"
    policy = content_security_policy(image_sources)

    @app.before_request
    def refuse_nul_bytes() -> tuple[Response | str, int] | None:
        if _has_nul():
            return error_response(400, str(NUL_MESSAGE))
        return None

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        if request.path.startswith(NO_STORE_PREFIXES) or _is_download(response):
            headers["Cache-Control"] = "no-store"
        return response


def _has_nul() -> bool:
    """A NUL in the path, a query or form key or value, or an uploaded file's name: no database stores it."""
    if "\x00" in request.path:
        return True
    pairs = [*request.args.items(multi=True), *request.form.items(multi=True)]
    if any("\x00" in key or "\x00" in value for key, value in pairs):
        return True
    return any("\x00" in (upload.filename or "") for _name, upload in request.files.items(multi=True))


def _is_download(response: Response) -> bool:
    return response.mimetype in ("text/csv", "application/zip") or "attachment" in response.headers.get(
        "Content-Disposition", "")
