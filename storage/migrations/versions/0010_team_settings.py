"""team settings: a sales team's own digest days and times; settings history names the team;
holidays of a team or a region (holidays.scope)

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql')
    with op.batch_alter_table('sales_teams', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settings', json, nullable=True))
    with op.batch_alter_table('settings_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sales_team_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_settings_changes_sales_team_id_sales_teams'),
            'sales_teams', ['sales_team_id'], ['id'], ondelete='SET NULL',
        )
    with op.batch_alter_table('holidays', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=40), server_default='', nullable=False))
        batch_op.drop_constraint('uq_holidays_team_id_day', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_holidays_team_id_day_scope'), ['team_id', 'day', 'scope'])


def downgrade() -> None:
    op.execute("DELETE FROM holidays WHERE scope <> ''")  # a team's or region's days cannot stay
    with op.batch_alter_table('holidays', schema=None) as batch_op:
        batch_op.drop_constraint('uq_holidays_team_id_day_scope', type_='unique')
        batch_op.create_unique_constraint('uq_holidays_team_id_day', ['team_id', 'day'])
        batch_op.drop_column('scope')
    with op.batch_alter_table('settings_changes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_settings_changes_sales_team_id_sales_teams'), type_='foreignkey')
        batch_op.drop_column('sales_team_id')
    with op.batch_alter_table('sales_teams', schema=None) as batch_op:
        batch_op.drop_column('settings')
