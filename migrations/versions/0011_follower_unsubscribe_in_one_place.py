"""Followers lose unsubscribed_at: the outbox's suppressions already record every unsubscribe, and two records of
one opt-out could disagree. Nothing is lost: each unsubscribe that set it also wrote its suppression row.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 12:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('followers', schema=None) as batch_op:
        batch_op.drop_column('unsubscribed_at')


def downgrade():
    with op.batch_alter_table('followers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unsubscribed_at', sa.DateTime(timezone=True), nullable=True))
