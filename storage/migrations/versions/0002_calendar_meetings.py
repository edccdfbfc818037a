"""calendar meetings: calendar connections, meetings read from them, contact emails, account domains

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import storage.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('calendar_connections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('url_secret', sa.Text(), nullable=False),
    sa.Column('url_hint', sa.String(length=120), nullable=False),
    sa.Column('etag', sa.String(length=200), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('next_fetch_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_fetch_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_ok_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('parsed_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('error_notified', sa.Boolean(), nullable=False),
    sa.Column('meetings_found', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_calendar_connections_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_calendar_connections_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_connections')),
    sa.UniqueConstraint('person_id', name=op.f('uq_calendar_connections_person_id'))
    )
    with op.batch_alter_table('calendar_connections', schema=None) as batch_op:
        batch_op.create_index('ix_calendar_connections_next_fetch', ['next_fetch_at'], unique=False)

    op.create_table('account_domains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=253), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_domains_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_account_domains_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_domains')),
    sa.UniqueConstraint('team_id', 'domain', name=op.f('uq_account_domains_team_id_domain'))
    )
    op.create_table('calendar_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=255), nullable=False),
    sa.Column('occurrence', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('attendees', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('prompt_key', sa.String(length=60), nullable=True),
    sa.Column('prompted_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_calendar_meetings_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_calendar_meetings_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_calendar_meetings_team_id_workspaces'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_calendar_meetings_visit_id_visits'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_meetings')),
    sa.UniqueConstraint('person_id', 'uid', 'occurrence', name=op.f('uq_calendar_meetings_person_id_uid_occurrence'))
    )
    with op.batch_alter_table('calendar_meetings', schema=None) as batch_op:
        batch_op.create_index('ix_calendar_meetings_person_starts', ['person_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_calendar_meetings_team_status_ends', ['team_id', 'status', 'ends_at'], unique=False)

    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=320), nullable=True))
        batch_op.create_index('ix_contacts_team_email', ['team_id', 'email'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_contacts_team_email')
        batch_op.drop_column('email')

    with op.batch_alter_table('calendar_meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_calendar_meetings_team_status_ends')
        batch_op.drop_index('ix_calendar_meetings_person_starts')

    op.drop_table('calendar_meetings')
    op.drop_table('account_domains')
    with op.batch_alter_table('calendar_connections', schema=None) as batch_op:
        batch_op.drop_index('ix_calendar_connections_next_fetch')

    op.drop_table('calendar_connections')
