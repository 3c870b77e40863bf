"""Open311 GeoReport v2: API keys (stored hashed), what a client sent that has no column, and which key filed a
report.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 04:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_api_keys_key_hash'))
    )
    op.create_table('api_reports',
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('api_key_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('service_code', sa.String(length=40), nullable=False),
    sa.Column('contact', sa.JSON(), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('media_url', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['api_key_id'], ['api_keys.id'], name=op.f('fk_api_reports_api_key_id_api_keys')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'],
                            name=op.f('fk_api_reports_submission_id_submissions')),
    sa.PrimaryKeyConstraint('submission_id', name=op.f('pk_api_reports')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_reports_token_hash'))
    )
    with op.batch_alter_table('api_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_reports_api_key_id'), ['api_key_id'], unique=False)

    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_key_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_submissions_api_key_id'), ['api_key_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_submissions_api_key_id_api_keys'), 'api_keys', ['api_key_id'],
                                    ['id'])


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_submissions_api_key_id_api_keys'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_submissions_api_key_id'))
        batch_op.drop_column('api_key_id')

    with op.batch_alter_table('api_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_reports_api_key_id'))
    op.drop_table('api_reports')
    op.drop_table('api_keys')
