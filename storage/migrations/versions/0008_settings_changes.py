"""settings changes: the audit trail of workspace settings; people's Slack away signals (DND, status)

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import storage.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql')
    op.create_table('settings_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('old_value', json, nullable=True),
    sa.Column('new_value', json, nullable=True),
    sa.Column('changed_by', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('changed_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_settings_changes_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settings_changes')),
    )
    with op.batch_alter_table('settings_changes', schema=None) as batch_op:
        batch_op.create_index('ix_settings_changes_team_at', ['team_id', 'changed_at'], unique=False)
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('away_reason', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('away_detail', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('away_checked_at', storage.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+), not batch mode: rebuilding `people` on
    # SQLite would set every reference to a person to NULL (deals' owners, stage owners…).
    for column in ('away_checked_at', 'away_detail', 'away_reason'):
        op.drop_column('people', column)
    with op.batch_alter_table('settings_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_settings_changes_team_at')
    op.drop_table('settings_changes')
