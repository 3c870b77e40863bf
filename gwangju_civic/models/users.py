"""Staff accounts: civil servants who triage and resolve submissions."""
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from gwangju_civic.models.base import Base, str_enum, utcnow
from gwangju_civic.models.enums import Role
from gwangju_civic.models.taxonomy import Department


def new_session_token() -> str:
    """A fresh secret that every signed-in session of the user must carry; replacing it ends them all."""
    return secrets.token_urlsafe(32)


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # The interface language at the last sign-in: staff e-mails (alerts, digests) are written in it.
    language: Mapped[str | None] = mapped_column(sa.String(8))
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)

    department: Mapped[Department | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session cookie: the id and the current session token."""
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        """Hash with scrypt (werkzeug's default), salted per user; sessions signed in with the old one end."""
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.session_token = new_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def sees_all_departments(self) -> bool:
        return self.role in (Role.ADMIN, Role.TRIAGER)
