"""Who sees what: role checks on every admin view and department scoping in every query."""
from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, select

from gwangju_civic.extensions import db
from gwangju_civic.models import Role, Submission


def staff_required(*roles: Role) -> Callable:
    """Signed-in staff with one of these roles (any staff role when none is named); others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = staff_required(Role.ADMIN)


def scoped(query: Select, user=None) -> Select:
    """Restrict a query over submissions to what the user may see: officers see their department only."""
    user = user or current_user
    if user.sees_all_departments:
        return query
    return query.where(Submission.department_id == user.department_id)


def visible_submissions(user=None) -> Select[tuple[Submission]]:
    return scoped(select(Submission), user)


def visible_submission_or_404(submission_id: int) -> Submission:
    """404 rather than 403 for another department's submission, so its existence does not leak."""
    submission = db.session.scalar(visible_submissions().where(Submission.id == submission_id))
    return submission or abort(404)
