"""work_queue: acknowledged requests waiting for a worker on any machine (PostgreSQL)

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "work_queue",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("function", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_queue")),
    )
    op.create_index(
        "ix_work_queue_waiting", "work_queue", ["id"], unique=False, postgresql_where=sa.text("failed_at IS NULL")
    )


def downgrade() -> None:
    op.drop_index("ix_work_queue_waiting", table_name="work_queue", postgresql_where=sa.text("failed_at IS NULL"))
    op.drop_table("work_queue")
