"""The city's plan (strategies, priorities) and who handles what (departments, categories)."""
from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gwangju_civic.models.base import Base, str_enum
from gwangju_civic.models.enums import Urgency


class Localized:
    """Names in the three interface languages, read in the current one."""

    name_ko: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_fr: Mapped[str] = mapped_column(sa.String(200))

    def name(self, locale: str) -> str:
        return getattr(self, f"name_{locale}", None) or self.name_en


class Strategy(Localized, Base):
    __tablename__ = "strategies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(10), unique=True)
    number: Mapped[int]
    priorities: Mapped[list[PlanPriority]] = relationship(
        back_populates="strategy", order_by="PlanPriority.number"
    )


class PlanPriority(Localized, Base):
    __tablename__ = "plan_priorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(10), unique=True)
    number: Mapped[int]
    strategy_id: Mapped[int] = mapped_column(sa.ForeignKey("strategies.id"))
    strategy: Mapped[Strategy] = relationship(back_populates="priorities")


class Department(Localized, Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254))


class Category(Localized, Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    description_ko: Mapped[str] = mapped_column(sa.Text)
    description_en: Mapped[str] = mapped_column(sa.Text)
    description_fr: Mapped[str] = mapped_column(sa.Text)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"))
    plan_priority_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_priorities.id"))
    urgency: Mapped[Urgency] = mapped_column(str_enum(Urgency))

    department: Mapped[Department] = relationship()
    plan_priority: Mapped[PlanPriority] = relationship()

    def description(self, locale: str) -> str:
        return getattr(self, f"description_{locale}", None) or self.description_en


# Any taxonomy table, each looked up by its `code`.
TaxonomyRow = TypeVar("TaxonomyRow", Strategy, PlanPriority, Department, Category)
