"""Trustworthy core: optimistic locking, masked public copies and moderation, one donation per consent,
server-side sign-out.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 01:45:01.666486

"""
import secrets

import sqlalchemy as sa
from alembic import op

from gwangju_civic.submissions.public_copies import fill_public_copies

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

USERS = sa.table("users", sa.column("id"), sa.column("session_token"))


def upgrade():
    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_donations_consent_token'), ['consent_token'])

    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_hidden', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('submission_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_message', sa.Text(), nullable=True))

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_title', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('public_description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('public_address', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('is_hidden', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False))

    # Rows stored before: masked public copies, and the invariants the workflow now keeps.
    fill_public_copies(op.get_bind())
    op.execute("UPDATE submissions SET duplicate_of_id = NULL WHERE status <> 'duplicate'")
    op.execute("UPDATE submissions SET resolved_at = NULL WHERE status NOT IN ('resolved', 'closed')")
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.alter_column('public_title', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('public_description', existing_type=sa.Text(), nullable=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.select(USERS.c.id)).all():
        connection.execute(USERS.update().where(USERS.c.id == user_id)
                           .values(session_token=secrets.token_urlsafe(32)))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_token')

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('is_hidden')
        batch_op.drop_column('public_address')
        batch_op.drop_column('public_description')
        batch_op.drop_column('public_title')

    with op.batch_alter_table('submission_events', schema=None) as batch_op:
        batch_op.drop_column('public_message')

    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_column('is_hidden')

    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_donations_consent_token'), type_='unique')
        batch_op.drop_column('consent_token')
