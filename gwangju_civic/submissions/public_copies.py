"""Backfill for rows stored before the public copies existed: the migration that adds the columns calls this.

It names its tables and columns itself (not the models), so it keeps working whatever the models become later.
"""
import sqlalchemy as sa

from gwangju_civic.privacy import public_text

SUBMISSIONS = sa.table("submissions", sa.column("id"), sa.column("title"), sa.column("description"),
                       sa.column("address"), sa.column("public_title"), sa.column("public_description"),
                       sa.column("public_address"))
EVENTS = sa.table("submission_events", sa.column("id"), sa.column("message"), sa.column("public_message"))


def fill_public_copies(connection: sa.Connection, batch: int = 1000) -> int:
    """Compute the masked public copies of every submission and event message that has none; returns rows filled."""
    filled = last_id = 0
    while rows := connection.execute(
        sa.select(SUBMISSIONS.c.id, SUBMISSIONS.c.title, SUBMISSIONS.c.description, SUBMISSIONS.c.address)
        .where(SUBMISSIONS.c.public_title.is_(None), SUBMISSIONS.c.id > last_id)
        .order_by(SUBMISSIONS.c.id).limit(batch)
    ).all():
        connection.execute(
            SUBMISSIONS.update().where(SUBMISSIONS.c.id == sa.bindparam("row_id")),
            [{"row_id": row.id, "public_title": public_text(row.title),
              "public_description": public_text(row.description), "public_address": public_text(row.address)}
             for row in rows],
        )
        filled += len(rows)
        last_id = rows[-1].id
    last_id = 0
    while rows := connection.execute(
        sa.select(EVENTS.c.id, EVENTS.c.message)
        .where(EVENTS.c.message.is_not(None), EVENTS.c.public_message.is_(None), EVENTS.c.id > last_id)
        .order_by(EVENTS.c.id).limit(batch)
    ).all():
        connection.execute(
            EVENTS.update().where(EVENTS.c.id == sa.bindparam("row_id")),
            [{"row_id": row.id, "public_message": public_text(row.message)} for row in rows],
        )
        filled += len(rows)
        last_id = rows[-1].id
    return filled
