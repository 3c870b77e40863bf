"""Who may sign in, ending sessions, and creating staff accounts."""
import secrets
from functools import cache

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from gwangju_civic.extensions import db
from gwangju_civic.models import Department, Role, User, utcnow
from gwangju_civic.models.users import new_session_token

MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """The account cannot be created as asked; the message says why."""


def email_problem(address: str) -> str | None:
    """Why this is not an address staff can sign in with (None when it is): one rule for the form and the CLI."""
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        return str(error)
    return None


@cache
def _unknown_user_hash() -> str:
    """A scrypt hash of a random password, checked when no account matches, so both answers take as long."""
    return generate_password_hash(secrets.token_urlsafe(32), method="scrypt")


def authenticate(email: str, password: str, language: str | None = None) -> User | None:
    """The active user with this e-mail and password, else None (the same answer, and time, whichever is wrong).

    `language`, the page's language, is kept for the e-mails staff receive.
    """
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    password_ok = check_password_hash(user.password_hash if user is not None else _unknown_user_hash(), password)
    if user is None or not user.active or not password_ok:
        return None
    user.last_login_at = utcnow()
    user.language = language or user.language
    return user


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: a session cookie copied earlier no longer matches the token."""
    user.session_token = new_session_token()


def user_for_session(session_id: str) -> User | None:
    """The user a session cookie names, if its token is still the user's current one."""
    user_id, _, token = session_id.partition(":")
    if not user_id.isdecimal() or len(user_id) > 10 or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not secrets.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


def create_user(email: str, name: str, password: str, role: Role, department_code: str | None = None) -> User:
    """Add a staff account; officers must belong to a department, and passwords must be long enough."""
    email = email.strip().lower()
    if problem := email_problem(email):
        raise AccountError(f"{email!r} is not an address the sign-in form accepts: {problem}")
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
