"""Who may sign in, and creating staff accounts."""
from sqlalchemy import func, select

from gwangju_civic.extensions import db
from gwangju_civic.models import Department, Role, User, utcnow

MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """The account cannot be created as asked; the message says why."""


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None (the same answer whichever part is wrong)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    return user


def create_user(email: str, name: str, password: str, role: Role, department_code: str | None = None) -> User:
    """Add a staff account; officers must belong to a department, and passwords must be long enough."""
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise AccountError(f"a user with e-mail {email} already exists")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    department = None
    if department_code:
        department = db.session.scalar(select(Department).where(Department.code == department_code))
        if department is None:
            raise AccountError(f"no department with code {department_code}")
    if role == Role.OFFICER and department is None:
        raise AccountError("an officer needs a department (--department CODE)")
    user = User(email=email, name=name, role=role, department=department)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
