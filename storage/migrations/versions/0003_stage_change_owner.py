"""stage changes record the deal's owner at the time of the move

Revision ID: 0003
Revises: 0002

Conversion credits each step to the rep who owned the deal when it got there (issue 16), so a
handover moves the book and not its history. Existing rows are backfilled with the deal's
current owner, except a move made by someone who later handed their book to that owner (a
`handovers` row from the mover to the current owner after the move): that move was the
mover's own. Moves made for a rep by a manager before a handover cannot be told apart and
stay with the current owner.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_stage_changes_owner_id_people"), "people", ["owner_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.drop_index("ix_stage_changes_team_deal")
        batch_op.create_index(
            "ix_stage_changes_team_deal_owner", ["team_id", "deal_id", "changed_at", "to_stage", "owner_id"], unique=False
        )
        batch_op.create_index(
            "ix_stage_changes_team_owner", ["team_id", "owner_id", "changed_at", "deal_id"], unique=False
        )
    op.execute(
        "UPDATE stage_changes SET owner_id = (SELECT deals.owner_id FROM deals WHERE deals.id = stage_changes.deal_id)"
    )
    op.execute(
        "UPDATE stage_changes SET owner_id = changed_by_id "
        "WHERE changed_by_id IS NOT NULL AND owner_id IS NOT NULL AND changed_by_id <> owner_id "
        "AND EXISTS (SELECT 1 FROM handovers h WHERE h.team_id = stage_changes.team_id "
        "AND h.from_person_id = stage_changes.changed_by_id AND h.to_person_id = stage_changes.owner_id "
        "AND h.handed_over_at > stage_changes.changed_at)"
    )


def downgrade() -> None:
    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_stage_changes_team_owner")
        batch_op.drop_index("ix_stage_changes_team_deal_owner")
        batch_op.create_index(
            "ix_stage_changes_team_deal", ["team_id", "deal_id", "changed_at", "to_stage"], unique=False
        )
        batch_op.drop_constraint(batch_op.f("fk_stage_changes_owner_id_people"), type_="foreignkey")
        batch_op.drop_column("owner_id")
