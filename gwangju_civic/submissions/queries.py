"""Read-side queries for the public pages: by tracking code, and the filtered public list."""
from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from gwangju_civic.extensions import db
from gwangju_civic.models import Category, Photo, Status, Submission, SubmissionKind


def by_tracking_code(code: str) -> Submission | None:
    return db.session.scalar(
        select(Submission)
        .where(Submission.tracking_code == code)
        .options(selectinload(Submission.events), selectinload(Submission.photos))
    )


def public_submissions() -> Select[tuple[Submission]]:
    """Every public view starts here (home, list, detail, and later the map and Open311): moderation-hidden
    reports are left out. Show their `public_*` copies, `public_events` and `public_photos`, never the originals."""
    return select(Submission).where(Submission.is_hidden.is_(False))


def public_by_id(submission_id: int) -> Submission | None:
    return db.session.scalar(
        public_submissions()
        .where(Submission.id == submission_id)
        .options(selectinload(Submission.events), selectinload(Submission.photos))
    )


def public_photo(filename: str) -> Photo | None:
    """A stored photo the public may see: neither it nor its report hidden by moderation."""
    return db.session.scalar(
        select(Photo)
        .join(Submission, Photo.submission_id == Submission.id)
        .where(Photo.filename == filename, Photo.is_hidden.is_(False), Submission.is_hidden.is_(False))
    )


@dataclass(frozen=True)
class PublicFilters:
    kind: str | None = None
    status: str | None = None
    category: str | None = None
    text: str | None = None
    district: str | None = None


def public_list_query(filters: PublicFilters) -> Select[tuple[Submission]]:
    """Newest first; filter values that are not real kinds, statuses or categories are ignored.

    The text search looks only at the masked public copies, so personal data cannot be found by searching for it.
    """
    query = public_submissions().order_by(Submission.created_at.desc(), Submission.id.desc())
    if filters.kind in {kind.value for kind in SubmissionKind}:
        query = query.where(Submission.kind == SubmissionKind(filters.kind))
    if filters.status in {status.value for status in Status}:
        query = query.where(Submission.status == Status(filters.status))
    if filters.district:
        query = query.where(Submission.district_code == filters.district)
    if filters.category:
        query = query.join(Category, Submission.category_id == Category.id).where(Category.code == filters.category)
    if filters.text and filters.text.strip():
        text = filters.text.strip()
        query = query.where(or_(Submission.public_title.icontains(text, autoescape=True),
                                Submission.public_description.icontains(text, autoescape=True)))
    return query


def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.code)))
