"""Staff verdicts on the router's confident routings: the labels behind auto-routing's live precision."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gwangju_civic.models.base import Base, utcnow


class RoutingLabel(Base):
    """One confident routing (auto-routed, or held back by a pause) and, once staff decide, whether it was right.

    Written by the router when it is sure enough to auto-route; `correct` and `decided_at` are set (and reset
    by a later decision: the latest one counts) when staff accept, correct or reassign the submission.
    """

    __tablename__ = "routing_labels"
    __table_args__ = (
        # The routing path and the router page read one department's (or every) last 30 days from this index.
        sa.Index("ix_routing_labels_department_decided", "department_id", "decided_at", "correct"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id"), unique=True)
    # The department the router sent (or would have sent) the submission to.
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"))
    model_version: Mapped[str] = mapped_column(sa.String(80))
    confidence: Mapped[float]
    routed_at: Mapped[datetime] = mapped_column(default=utcnow)
    correct: Mapped[bool | None]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(sa.String(80))
