"""Staff accounts of every role, and a helper that signs a client in as one of them."""
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from gwangju_civic.extensions import db
from gwangju_civic.models import Department, Role, User

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One real scrypt hash for every test account: hashing is slow by design."""
    return generate_password_hash(PASSWORD, method="scrypt")


@dataclass(frozen=True)
class Staff:
    email: str
    role: str


@pytest.fixture
def staff(app, password_hash) -> dict[str, Staff]:
    """An admin, a triager, a roads officer and an officer of another department (parks)."""
    people = {
        "admin": ("admin@gwangju-civic.example", Role.ADMIN, None),
        "triager": ("triager@gwangju-civic.example", Role.TRIAGER, None),
        "officer": ("roads.officer@gwangju-civic.example", Role.OFFICER, "roads"),
        "other_officer": ("parks.officer@gwangju-civic.example", Role.OFFICER, "parks"),
    }
    with app.app_context():
        for key, (email, role, department) in people.items():
            db.session.add(User(email=email, name=key.replace("_", " ").title(), role=role,
                                password_hash=password_hash,
                                department=db.session.scalar(select(Department).where(Department.code == department))))
        db.session.commit()
    return {key: Staff(email, role.value) for key, (email, role, _) in people.items()}


class AuthActions:
    def __init__(self, client, staff):
        self._client = client
        self._staff = staff

    def login(self, who: str = "admin", password: str = PASSWORD):
        return self._client.post("/admin/login", data={"email": self._staff[who].email, "password": password})

    def logout(self):
        return self._client.post("/admin/logout")


@pytest.fixture
def auth(client, staff) -> AuthActions:
    client.set_cookie("lang", "en")
    return AuthActions(client, staff)
