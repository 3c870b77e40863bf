"""Home page, public list, language switch and stored photos: only what moderation leaves public, masked."""
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from gwangju_civic.extensions import db
from gwangju_civic.geo.districts import districts
from gwangju_civic.i18n import LANGUAGE_COOKIE
from gwangju_civic.models import Status, SubmissionKind
from gwangju_civic.submissions import queries

bp = Blueprint("main", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.route("/")
def home():
    recent = db.session.scalars(
        queries.public_list_query(queries.PublicFilters()).limit(5)
    ).all()
    return render_template("main/home.html", recent=recent)


@bp.route("/lang/<code>")
def set_language(code: str):
    """Remember the chosen language and go back where the resident was (same site only)."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        target = url_for("main.home")
    response = redirect(target)
    response.set_cookie(LANGUAGE_COOKIE, code, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response


@bp.route("/submissions")
def public_list():
    filters = queries.PublicFilters(
        kind=request.args.get("kind") or None,
        status=request.args.get("status") or None,
        category=request.args.get("category") or None,
        text=request.args.get("q") or None,
        district=request.args.get("district") or None,
    )
    page = db.paginate(
        queries.public_list_query(filters),
        per_page=current_app.config["PUBLIC_LIST_PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "main/list.html",
        page=page,
        filters=filters,
        categories=queries.categories(),
        statuses=list(Status),
        kinds=list(SubmissionKind),
        districts=districts(),
    )


@bp.route("/submissions/<int:submission_id>")
def public_detail(submission_id: int):
    submission = queries.public_by_id(submission_id) or abort(404)
    return render_template("main/detail.html", submission=submission)


@bp.route("/photos/<path:filename>")
def photo(filename: str):
    """Only photos of a stored report, neither hidden by moderation (staff see every photo under /admin)."""
    stored = queries.public_photo(filename) or abort(404)
    response = send_from_directory(current_app.config["UPLOAD_FOLDER"], stored.filename)
    # Moderation may hide a photo at any time: caches must ask again (the ETag keeps that cheap).
    response.cache_control.public = True
    response.cache_control.no_cache = True
    response.cache_control.max_age = None
    return response
