"""Read-side queries for the public pages: by tracking code, and the filtered public list."""
from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from gwangju_civic.extensions import db
from gwangju_civic.models import Category, Status, Submission, SubmissionKind


def by_tracking_code(code: str) -> Submission | None:
    return db.session.scalar(
        select(Submission)
        .where(Submission.tracking_code == code)
        .options(selectinload(Submission.events), selectinload(Submission.photos))
    )


@dataclass(frozen=True)
class PublicFilters:
    kind: str | None = None
    status: str | None = None
    category: str | None = None
    text: str | None = None


def public_list_query(filters: PublicFilters) -> Select[tuple[Submission]]:
    """Newest first; filter values that are not real kinds, statuses or categories are ignored."""
    query = select(Submission).order_by(Submission.created_at.desc(), Submission.id.desc())
    if filters.kind in {kind.value for kind in SubmissionKind}:
        query = query.where(Submission.kind == SubmissionKind(filters.kind))
    if filters.status in {status.value for status in Status}:
        query = query.where(Submission.status == Status(filters.status))
    if filters.category:
        query = query.join(Category, Submission.category_id == Category.id).where(Category.code == filters.category)
    if filters.text:
        pattern = f"%{filters.text.strip()}%"
        query = query.where(or_(Submission.title.ilike(pattern), Submission.description.ilike(pattern)))
    return query


def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.code)))
