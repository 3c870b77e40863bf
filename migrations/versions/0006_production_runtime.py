"""Production runtime: background job runs (state for admins, leases for at-least-once) and the active router
version every process reads.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 01:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

ACTIVE = sa.text("state IN ('queued', 'running')")


def upgrade():
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='jobstate', native_enum=False, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs'))
    )
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index('ix_job_runs_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_job_runs_state_lease_until', ['state', 'lease_until'], unique=False)
        batch_op.create_index('uq_job_runs_active_kind_key', ['kind', 'key'], unique=True,
                              sqlite_where=ACTIVE, postgresql_where=ACTIVE)

    op.create_table('router_activations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=100), nullable=False),
    sa.Column('activated_by', sa.String(length=254), nullable=True),
    sa.Column('activated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_router_activations'))
    )


def downgrade():
    op.drop_table('router_activations')
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index('uq_job_runs_active_kind_key', sqlite_where=ACTIVE, postgresql_where=ACTIVE)
        batch_op.drop_index('ix_job_runs_state_lease_until')
        batch_op.drop_index('ix_job_runs_created_at')
    op.drop_table('job_runs')
