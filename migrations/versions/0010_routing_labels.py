"""Routing labels: each confident routing and the staff verdict on it, behind auto-routing's live precision and
its pause per department. Starts empty: earlier decisions did not record which routings were auto-routed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 04:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('routing_labels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('model_version', sa.String(length=80), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('routed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                            name=op.f('fk_routing_labels_department_id_departments')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'],
                            name=op.f('fk_routing_labels_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routing_labels')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_routing_labels_submission_id'))
    )
    with op.batch_alter_table('routing_labels', schema=None) as batch_op:
        batch_op.create_index('ix_routing_labels_department_decided', ['department_id', 'decided_at', 'correct'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('routing_labels', schema=None) as batch_op:
        batch_op.drop_index('ix_routing_labels_department_decided')
    op.drop_table('routing_labels')
