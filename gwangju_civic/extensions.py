"""Flask extension instances, created unbound and attached in create_app."""
import ipaddress
from typing import Any

import sqlalchemy as sa
from flask import abort, has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.pagination import Pagination
from flask_wtf import CSRFProtect

from gwangju_civic.models.base import Base

# Far beyond any real list, and small enough that page × page size stays a valid SQL OFFSET.
MAX_PAGE = 1_000_000


class BoundedPagesSQLAlchemy(SQLAlchemy):
    """`db.paginate` as Flask-SQLAlchemy's, but `?page=` beyond MAX_PAGE is a 404 instead of an OFFSET overflow."""

    def paginate(self, select: sa.Select[Any], *, page: int | None = None, per_page: int | None = None,
                 max_per_page: int | None = None, error_out: bool = True, count: bool = True) -> Pagination:
        if page is None and has_request_context():
            page = _requested_page()
        return super().paginate(select, page=page, per_page=per_page, max_per_page=max_per_page,
                                error_out=error_out, count=count)


def _requested_page() -> int | None:
    try:
        page = int(request.args.get("page", 1))
    except (TypeError, ValueError):
        return None  # malformed: Flask-SQLAlchemy answers as it always has (page 1, or 404 with error_out)
    if page > MAX_PAGE:
        abort(404)
    return page


def client_network() -> str:
    """Whom a throttle counts: the client's address, or its /64 for IPv6, where one host holds the whole /64."""
    address = request.remote_addr or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


db = BoundedPagesSQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
limiter = Limiter(key_func=client_network, default_limits=[])
mail = Mail()
