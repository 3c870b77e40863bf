"""`flask users create`: add a staff account from the shell."""
import click
from flask.cli import AppGroup

from gwangju_civic.auth.services import AccountError, create_user
from gwangju_civic.extensions import db
from gwangju_civic.models import Role

users_cli = AppGroup("users", help="Staff accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--department", "department_code", help="Department code; required for officers.")
@click.password_option(help="Prompted for when not given.")
def create_command(email: str, name: str, role: str, department_code: str | None, password: str) -> None:
    """Create a staff account with a hashed password."""
    try:
        user = create_user(email, name, password, Role(role), department_code)
    except AccountError as error:
        raise click.UsageError(str(error)) from error
    db.session.commit()
    click.echo(f"created {user.role.value} {user.email}")
