"""`flask intake replay`: file the reports spooled while the database was unreachable."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from gwangju_civic.intake import spool
from gwangju_civic.intake.services import receive
from gwangju_civic.submissions import queries

intake_cli = AppGroup("intake", help="Citizen intake maintenance.")


@intake_cli.command("replay")
def replay_command() -> None:
    """File every spooled report, keeping its tracking code; a report is removed from the spool once stored."""
    folder = Path(current_app.config["SPOOL_FOLDER"])
    entries = spool.spooled(folder)
    for entry in entries:
        draft = spool.load(entry)
        if queries.by_tracking_code(draft.tracking_code) is not None:
            click.echo(f"{draft.tracking_code} was already filed")
        else:
            click.echo(f"filed {receive(draft).tracking_code}")
        spool.discard(entry)
    click.echo(f"{len(entries)} spooled report(s) filed")
