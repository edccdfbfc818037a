"""Creating accounts: one way, shared by /visit, /deal and the CSV import."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.text import normalize
from storage.models import Account


class EmptyAccountName(ValueError):
    """The name has nothing to match on (only spaces or punctuation)."""


def create_account(session: Session, team_id: str, name: str, owner_id: int | None, now: datetime) -> Account:
    """A new account with no business yet, owned by `owner_id` (assigned now, if owned).

    Spaces are folded and the name is cut to the column's 200 characters; the caller has
    already checked that no visible account has this name (nothing is created silently).
    """
    clean = " ".join(name.split())[:200]
    if not normalize(clean):
        raise EmptyAccountName(name)
    account = Account(
        team_id=team_id,
        name=clean,
        name_norm=normalize(clean),
        owner_id=owner_id,
        business_status="no_business",
        assigned_at=now if owner_id else None,
        created_at=now,
    )
    session.add(account)
    session.flush()
    return account
