"""Districts: each report's gu (point-in-polygon on the bundled boundaries), filled in for reports already filed.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 04:05:00.000000

"""
import sqlalchemy as sa
from alembic import op

from gwangju_civic.geo.districts import district_code_at

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('district_code', sa.String(length=5), nullable=True))
        batch_op.create_index(batch_op.f('ix_submissions_district_code'), ['district_code'], unique=False)
    _fill_districts()


def _fill_districts():
    """Reports pinned before districts existed get theirs; a point outside the five gu stays without one."""
    submissions = sa.table('submissions', sa.column('id', sa.Integer), sa.column('latitude', sa.Float),
                           sa.column('longitude', sa.Float), sa.column('district_code', sa.String))
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(submissions.c.id, submissions.c.latitude, submissions.c.longitude)
            .where(submissions.c.id > last_id, submissions.c.latitude.is_not(None),
                   submissions.c.longitude.is_not(None))
            .order_by(submissions.c.id).limit(BATCH)).all()
        if not rows:
            return
        for row in rows:
            if code := district_code_at(row.latitude, row.longitude):
                connection.execute(submissions.update().where(submissions.c.id == row.id)
                                   .values(district_code=code))
        last_id = rows[-1].id


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submissions_district_code'))
        batch_op.drop_column('district_code')
