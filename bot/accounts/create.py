"""Creating accounts: one way, shared by /visit, /deal, /lead and the CSV import."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.text import normalize
from storage.models import Account
from storage.queries.sql import insert_ignoring_conflict


class EmptyAccountName(ValueError):
    """The name has nothing to match on (only spaces or punctuation)."""


def create_account(session: Session, team_id: str, name: str, owner_id: int | None, now: datetime) -> Account:
    """A new account with no business yet, owned by `owner_id` (assigned now, if owned).

    Spaces are folded and the name is cut to the column's 200 characters; the caller has
    already checked that no visible account has this name (nothing is created silently).
    The unique key (workspace, owner, name_norm) of live accounts settles a race: of two
    requests naming the same new account at the same moment, one inserts the row; the other's
    insert does nothing (on PostgreSQL it waits for the winner to commit) and it re-reads the
    winner's row, so both visits land on one account.
    """
    clean = " ".join(name.split())[:200]
    norm = normalize(clean)
    if not norm:
        raise EmptyAccountName(name)
    values = {
        "team_id": team_id,
        "name": clean,
        "name_norm": norm,
        "owner_id": owner_id,
        "business_status": "no_business",
        "is_lead": False,
        "contact_count": 0,
        "assigned_at": now if owner_id else None,
        "created_at": now,
    }
    session.execute(insert_ignoring_conflict(session, Account, values))
    return session.scalars(
        select(Account).where(
            Account.team_id == team_id,
            func.coalesce(Account.owner_id, 0) == (owner_id or 0),
            Account.name_norm == norm,
            Account.archived_at.is_(None),
        ),
        execution_options={"populate_existing": True},
    ).one()


def live_namesake(session: Session, account: Account) -> int | None:
    """Another live account of `account`'s owner with its name, if any: a rename, restore or
    change of owner must not make one (the unique key of live accounts would refuse it).
    Read without flushing `account`'s pending change."""
    if account.archived_at is not None:
        return None
    with session.no_autoflush:
        return session.scalar(
            select(Account.id).where(
                Account.team_id == account.team_id,
                func.coalesce(Account.owner_id, 0) == (account.owner_id or 0),
                Account.name_norm == account.name_norm,
                Account.archived_at.is_(None),
                Account.id != account.id,
            )
        )
