"""`flask open311 create-key --name NAME`: a key for a city system or civic app, printed once."""
import click
from flask.cli import AppGroup

from gwangju_civic.api.open311.operations import create_key
from gwangju_civic.extensions import db

open311_cli = AppGroup("open311", help="Open311 GeoReport v2 API keys.")


@open311_cli.command("create-key")
@click.option("--name", required=True, help="Who the key is for (shown on the admin page).")
def create_key_command(name: str) -> None:
    """Create a key; only its hash is stored, so this is the only time it is shown (alone on the last line)."""
    if not name.strip():
        raise click.BadParameter("give the key a name", param_hint="--name")
    row, key = create_key(name)
    db.session.commit()
    click.echo(f"API key {row.id} for “{row.name}” created. Keep it now: it is not shown again.")
    click.echo(key)
