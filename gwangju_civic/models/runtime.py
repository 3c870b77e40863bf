"""What every process must agree on: background job runs and which router version is active."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gwangju_civic.models.base import Base, str_enum, utcnow


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class JobRun(Base):
    """One background job: written by the task wrapper, read by reconciliation and the admins' jobs page."""

    __tablename__ = "job_runs"
    __table_args__ = (
        # Reconciliation looks for running runs whose lease expired and queued runs never picked up.
        sa.Index("ix_job_runs_state_lease_until", "state", "lease_until"),
        sa.Index("ix_job_runs_created_at", "created_at"),
        # At most one waiting or running run per (kind, key): submitting the same work twice returns the first.
        sa.Index("uq_job_runs_active_kind_key", "kind", "key", unique=True,
                 sqlite_where=sa.text("state IN ('queued', 'running')"),
                 postgresql_where=sa.text("state IN ('queued', 'running')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    key: Mapped[str] = mapped_column(sa.String(200), default="")
    args: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    state: Mapped[JobState] = mapped_column(str_enum(JobState), default=JobState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    result: Mapped[str | None] = mapped_column(sa.Text)
    # A running run whose lease passed belongs to a worker that died: reconciliation queues it again.
    lease_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None]


class RouterActivation(Base):
    """Append-only: the newest row names the router version every web and queue worker should use."""

    __tablename__ = "router_activations"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(100))
    activated_by: Mapped[str | None] = mapped_column(sa.String(254))
    activated_at: Mapped[datetime] = mapped_column(default=utcnow)
