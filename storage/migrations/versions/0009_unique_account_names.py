"""one live account per name per owner

- accounts: a unique index on (team_id, COALESCE(owner_id, 0), name_norm) over live (not
  archived) accounts, so that close-together /visits, forms and /leads naming the same new
  account create it once. Existing duplicates are MERGED into the oldest row (lowest id) of each
  group: their visits, contacts, deals, follow-ups, leads, domains and calendar meetings move to
  it, their names and aliases become its aliases, lead counters are combined; same-name
  contacts that meet on the kept account are then merged as migration 0004 does.

Revision ID: 0009
Revises: 0008
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MOVED = ("visits", "contacts", "deals", "follow_ups", "leads", "account_domains", "calendar_meetings")


def _revision_0004() -> ModuleType:
    """Migration 0004, for its contact merge (one way to merge same-name contacts)."""
    path = Path(__file__).with_name("0004_race_constraints_and_fencing.py")
    spec = importlib.util.spec_from_file_location("pc_revision_0004", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _merge_duplicate_accounts() -> bool:
    """Fold each group of same-name live accounts of one owner into its oldest row; whether any were."""
    conn = op.get_bind()
    groups = conn.execute(
        sa.text(
            "SELECT team_id, COALESCE(owner_id, 0), name_norm, MIN(id) FROM accounts WHERE archived_at IS NULL "
            "GROUP BY team_id, COALESCE(owner_id, 0), name_norm HAVING COUNT(*) > 1"
        )
    ).fetchall()
    for team_id, owner, name_norm, keep in groups:
        dupes = conn.execute(
            sa.text(
                "SELECT id, name, is_lead, first_contacted_at, contact_count FROM accounts "
                "WHERE team_id = :t AND COALESCE(owner_id, 0) = :o AND name_norm = :n "
                "AND archived_at IS NULL AND id <> :k ORDER BY id"
            ),
            {"t": team_id, "o": owner, "n": name_norm, "k": keep},
        ).fetchall()
        kept_name = conn.execute(sa.text("SELECT name FROM accounts WHERE id = :k"), {"k": keep}).scalar()
        for dupe, name, is_lead, first_contacted_at, contact_count in dupes:
            for table in _MOVED:
                conn.execute(
                    sa.text(f"UPDATE {table} SET account_id = :k WHERE account_id = :d"), {"k": keep, "d": dupe}
                )
            # Its name (if spelled differently) and aliases become the kept account's aliases.
            aliases = [
                (row[0], row[1])
                for row in conn.execute(
                    sa.text("SELECT alias, alias_norm FROM account_aliases WHERE account_id = :d"), {"d": dupe}
                )
            ]
            conn.execute(sa.text("DELETE FROM account_aliases WHERE account_id = :d"), {"d": dupe})
            if name != kept_name:
                aliases.append((name, name_norm))
            for alias, alias_norm in aliases:
                taken = conn.execute(
                    sa.text("SELECT 1 FROM account_aliases WHERE account_id = :k AND alias_norm = :a"),
                    {"k": keep, "a": alias_norm},
                ).first()
                if taken is None and alias_norm != name_norm:
                    conn.execute(
                        sa.text(
                            "INSERT INTO account_aliases (team_id, account_id, alias, alias_norm) "
                            "VALUES (:t, :k, :alias, :a)"
                        ),
                        {"t": team_id, "k": keep, "alias": alias, "a": alias_norm},
                    )
            conn.execute(
                sa.text(
                    "UPDATE accounts SET contact_count = contact_count + :c, "
                    "is_lead = CASE WHEN :lead THEN TRUE ELSE is_lead END, "
                    "first_contacted_at = COALESCE(first_contacted_at, :f) WHERE id = :k"
                ),
                {"c": contact_count or 0, "lead": bool(is_lead), "f": first_contacted_at, "k": keep},
            )
            conn.execute(sa.text("DELETE FROM accounts WHERE id = :d"), {"d": dupe})
    return bool(groups)


def upgrade() -> None:
    # Contacts of merged accounts may share a name: lift their unique key while they are merged.
    op.drop_index("uq_contacts_account_name_norm", table_name="contacts")
    if _merge_duplicate_accounts():
        _revision_0004()._merge_duplicate_contacts()
    op.create_index("uq_contacts_account_name_norm", "contacts", ["account_id", "name_norm"], unique=True)
    op.create_index(
        "uq_accounts_team_owner_name_norm",
        "accounts",
        ["team_id", sa.text("COALESCE(owner_id, 0)"), "name_norm"],
        unique=True,
        sqlite_where=sa.text("archived_at IS NULL"),
        postgresql_where=sa.text("archived_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_accounts_team_owner_name_norm", table_name="accounts")
