"""race constraints and send fencing

- contacts: a unique index on (account_id, name_norm). Existing duplicates are MERGED into the oldest
  row (lowest id) of each (account, name): their visit links and follow-ups are moved to it
  (a visit linked to two of the duplicates keeps one link), the oldest row takes the highest
  relationship level and the latest meeting/touch times, then the duplicates are deleted.
- people: `founder` (True on one person per workspace, NULL elsewhere) with a unique index on
  (team_id, founder); the oldest admin of each existing workspace is marked founder.
- deliveries: `fence`, `taken_at` (the fencing token of the sweep that took the row to send it).
- job_runs: `fence` (the job's current fencing token), `undelivered` (left unsent by the last
  sweep), `undelivered_runs` (sweeps in a row that left some).

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _merge_duplicate_contacts() -> None:
    """Fold each group of same-name contacts of one account into its oldest row."""
    conn = op.get_bind()
    groups = conn.execute(
        sa.text(
            "SELECT account_id, name_norm, MIN(id) FROM contacts GROUP BY account_id, name_norm HAVING COUNT(*) > 1"
        )
    ).fetchall()
    for account_id, name_norm, keep in groups:
        dupes = [
            row[0]
            for row in conn.execute(
                sa.text("SELECT id FROM contacts WHERE account_id = :a AND name_norm = :n AND id <> :k"),
                {"a": account_id, "n": name_norm, "k": keep},
            )
        ]
        for dupe in dupes:
            # A visit linked to both keeps its link to `keep`; its other links move over.
            conn.execute(
                sa.text(
                    "DELETE FROM visit_contacts WHERE contact_id = :d AND visit_id IN "
                    "(SELECT visit_id FROM visit_contacts WHERE contact_id = :k)"
                ),
                {"d": dupe, "k": keep},
            )
            conn.execute(sa.text("UPDATE visit_contacts SET contact_id = :k WHERE contact_id = :d"), {"d": dupe, "k": keep})
            conn.execute(sa.text("UPDATE follow_ups SET contact_id = :k WHERE contact_id = :d"), {"d": dupe, "k": keep})
        conn.execute(
            sa.text(
                "UPDATE contacts SET "
                "relationship_level = (SELECT MAX(relationship_level) FROM contacts c "
                "  WHERE c.account_id = :a AND c.name_norm = :n), "
                "last_face_to_face_at = (SELECT MAX(last_face_to_face_at) FROM contacts c "
                "  WHERE c.account_id = :a AND c.name_norm = :n), "
                "last_touch_at = (SELECT MAX(last_touch_at) FROM contacts c "
                "  WHERE c.account_id = :a AND c.name_norm = :n) "
                "WHERE id = :k"
            ),
            {"a": account_id, "n": name_norm, "k": keep},
        )
        conn.execute(
            sa.text("DELETE FROM contacts WHERE account_id = :a AND name_norm = :n AND id <> :k"),
            {"a": account_id, "n": name_norm, "k": keep},
        )


def upgrade() -> None:
    _merge_duplicate_contacts()
    # Unique indexes, not constraints: on SQLite a constraint means rebuilding the table, and
    # dropping the old `contacts` (or `people`) would cascade into every table referencing it.
    op.create_index("uq_contacts_account_name_norm", "contacts", ["account_id", "name_norm"], unique=True)

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("founder", sa.Boolean(), nullable=True))
    op.execute(
        "UPDATE people SET founder = TRUE WHERE id IN "
        "(SELECT MIN(id) FROM people WHERE role = 'admin' GROUP BY team_id)"
    )
    op.create_index("uq_people_team_founder", "people", ["team_id", "founder"], unique=True)

    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fence", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("taken_at", storage.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fence", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("undelivered", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("undelivered_runs", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+), not batch mode: rebuilding `people` on
    # SQLite would cascade-delete every row that references it.
    for table, column in (
        ("job_runs", "undelivered_runs"),
        ("job_runs", "undelivered"),
        ("job_runs", "fence"),
        ("deliveries", "taken_at"),
        ("deliveries", "fence"),
    ):
        op.drop_column(table, column)
    op.drop_index("uq_people_team_founder", table_name="people")
    op.drop_column("people", "founder")
    op.drop_index("uq_contacts_account_name_norm", table_name="contacts")
