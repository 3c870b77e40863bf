"""The public map, its GeoJSON, and the district outlines every map draws."""
import json

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import gettext as _

from gwangju_civic.errors import error_response
from gwangju_civic.geo import districts as district_data
from gwangju_civic.i18n import current_language
from gwangju_civic.maps.features import BoundingBox, collection
from gwangju_civic.models import Status, SubmissionKind
from gwangju_civic.submissions import queries

bp = Blueprint("maps", __name__)
# Public reports change often: browsers and proxies keep the GeoJSON briefly and revalidate with its ETag.
GEOJSON_MAX_AGE = 60
BOUNDARIES_MAX_AGE = 24 * 3600


@bp.app_context_processor
def district_helpers() -> dict:
    language = current_language()
    return {"district_name": lambda code: district_data.district_name(code, language),
            "district_attribution": _(district_data.ATTRIBUTION)}  # the credit SOURCE.txt asks for


def map_filters() -> queries.PublicFilters:
    """The public map's filters, read like the public list's; unknown values are ignored by the query."""
    return queries.PublicFilters(
        kind=request.args.get("kind") or None,
        status=request.args.get("status") or None,
        category=request.args.get("category") or None,
        district=request.args.get("district") or None,
    )


@bp.route("/map")
def public_map():
    return render_template(
        "maps/map.html",
        filters=map_filters(),
        categories=queries.categories(),
        statuses=list(Status),
        kinds=list(SubmissionKind),
        districts=district_data.districts(),
    )


@bp.route("/reports.geojson")
def reports_geojson():
    """Public reports with a point: masked public fields, `bbox=west,south,east,north` and the map's filters."""
    raw_box = request.args.get("bbox")
    box = BoundingBox.parse(raw_box)
    if raw_box and box is None:
        return error_response(400, _("bbox must be west,south,east,north in degrees, such as %(example)s.",
                                     example="126.8,35.1,126.9,35.2"))
    language = current_language()
    data, etag = collection(map_filters(), box, language, int(current_app.config["COORDINATE_PRECISION"]))
    return _cacheable(Response(data, mimetype="application/geo+json"), etag, GEOJSON_MAX_AGE)


@bp.route("/districts.geojson")
def districts_geojson():
    """The five gu's outlines with names in the page's language (the maps draw them)."""
    data = json.dumps(district_data.boundaries(current_language()), ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    return _cacheable(Response(data, mimetype="application/geo+json"), None, BOUNDARIES_MAX_AGE)


def _cacheable(response: Response, etag: str | None, max_age: int) -> Response:
    """Public and briefly fresh; labels follow the language cookie, so caches keep one copy per cookie."""
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.vary.add("Cookie")
    if etag:
        response.set_etag(etag)
    else:
        response.add_etag()
    response.make_conditional(request)  # a matching If-None-Match turns it into a bodiless 304 in place
    return response
