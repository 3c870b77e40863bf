"""Staff corrections of the router's output: the labelled examples it learns most from."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gwangju_civic.models.base import Base, str_enum, utcnow
from gwangju_civic.models.enums import SubmissionKind, Urgency
from gwangju_civic.models.submissions import Submission
from gwangju_civic.models.taxonomy import Category, Department, PlanPriority


class RoutingCorrection(Base):
    """What staff decided a submission is about, with the text as it was when they decided."""

    __tablename__ = "routing_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int | None] = mapped_column(sa.ForeignKey("submissions.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[SubmissionKind] = mapped_column(str_enum(SubmissionKind))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"))
    plan_priority_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_priorities.id"))
    urgency: Mapped[Urgency] = mapped_column(str_enum(Urgency))
    corrected_by: Mapped[str] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission | None] = relationship()
    category: Mapped[Category] = relationship()
    department: Mapped[Department] = relationship()
    plan_priority: Mapped[PlanPriority] = relationship()
