"""Taxonomy and staff lists for admin forms and filters."""
from sqlalchemy import select

from gwangju_civic.extensions import db
from gwangju_civic.models import Category, Department, PlanPriority, Role, TaxonomyRow, User


def departments() -> list[Department]:
    return list(db.session.scalars(select(Department).order_by(Department.code)))


def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.code)))


def plan_priorities() -> list[PlanPriority]:
    return list(db.session.scalars(select(PlanPriority).order_by(PlanPriority.number)))


def officers(department_id: int | None) -> list[User]:
    """Officers of the department, then triagers and admins, who can take any submission."""
    query = select(User).where(User.active.is_(True)).order_by(User.role, User.name)
    return [
        user for user in db.session.scalars(query)
        if user.role != Role.OFFICER or user.department_id == department_id
    ]


def by_code(model: type[TaxonomyRow], code: str | None) -> TaxonomyRow | None:
    return db.session.scalar(select(model).where(model.code == code)) if code else None
