"""`flask intake replay`: file the reports spooled while the database was unreachable."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from gwangju_civic.intake.replay import OUTAGE, replay_spool

intake_cli = AppGroup("intake", help="Citizen intake maintenance.")


@intake_cli.command("replay")
def replay_command() -> None:
    """File every spooled report, keeping its tracking code; safe to run while requests or workers replay too."""
    folder = Path(current_app.config["SPOOL_FOLDER"])
    try:
        replayed = replay_spool(folder)
    except OUTAGE as error:
        raise click.ClickException(f"the database is still unavailable; spooled reports are kept ({error})") from error
    for report in replayed:
        click.echo(f"filed {report.code}" if report.outcome == "filed" else f"{report.code} was already filed")
    click.echo(f"{len(replayed)} spooled report(s) filed")
