"""Hand-built funnels for the analytics, App Home and /pipeline tests.

Deals and their stage history are inserted directly with the ORM, following the stage history
convention of `storage.models.deals`: a creation row (from_stage NULL), one row per move
forward or back, and 'won' / 'lost' as the last `to_stage` of a closed deal.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.people.members import ensure_workspace
from storage.models import Account, Deal, DealReason, Person, StageChange
from tests.conftest import START, TEAM


def day(n: float) -> datetime:
    """`n` days after the tests' START (negative: before)."""
    return START + timedelta(days=n)


class Funnel:
    """Builds people, accounts and deals with history in one session."""

    def __init__(self, session: Session, team_id: str = TEAM) -> None:
        self.session = session
        self.team_id = team_id
        ensure_workspace(session, team_id, START)
        self._account: Account | None = None

    def person(self, user_id: str, name: str = "", *, role: str = "rep", manager: Person | None = None) -> Person:
        person = Person(
            team_id=self.team_id,
            slack_user_id=user_id,
            name=name or user_id,
            role=role,
            manager_id=manager.id if manager else None,
            tz="UTC",
            profile_fetched_at=START,
        )
        self.session.add(person)
        self.session.flush()
        return person

    def account(self, name: str = "Ricoh", owner: Person | None = None) -> Account:
        """The owner's account of that name, made on first use: one owner never has two live
        accounts of one name (the database's unique key since migration 0009)."""
        owner_id = owner.id if owner else None
        existing = self.session.scalar(
            select(Account).where(  # `== None` is IS NULL: unowned accounts count as one owner
                Account.team_id == self.team_id, Account.name_norm == name.lower(), Account.owner_id == owner_id
            )
        )
        if existing is not None:
            return existing
        account = Account(team_id=self.team_id, name=name, name_norm=name.lower(), owner_id=owner_id)
        self.session.add(account)
        self.session.flush()
        return account

    def deal(
        self,
        owner: Person,
        history: list[tuple[float, str]],
        *,
        amount: int | None = 100_000,
        close: date | None = None,
        title: str = "Copiers",
        account: Account | None = None,
        reasons: tuple[str, ...] = (),
    ) -> Deal:
        """A deal whose history is `[(day, to_stage), …]` in order; the first is its creation."""
        if account is None:
            if self._account is None:
                self._account = self.account()
            account = self._account
        last_day, last_stage = history[-1]
        closed = last_stage in ("won", "lost")
        stage_key = next(stage for _, stage in reversed(history) if stage not in ("won", "lost"))
        entered = next(d for d, stage in reversed(history) if stage == stage_key)
        deal = Deal(
            team_id=self.team_id,
            account_id=account.id,
            owner_id=owner.id,
            title=title,
            title_norm=title.lower(),
            amount=Decimal(amount) if amount is not None else None,
            stage_key=stage_key,
            stage_entered_at=day(entered),
            expected_close=close,
            status=last_stage if closed else "open",
            closed_at=day(last_day) if closed else None,
            created_at=day(history[0][0]),
        )
        self.session.add(deal)
        self.session.flush()
        previous = None
        for when, stage in history:
            self.session.add(
                StageChange(
                    team_id=self.team_id,
                    deal_id=deal.id,
                    from_stage=previous,
                    to_stage=stage,
                    changed_at=day(when),
                    changed_by_id=owner.id,
                    owner_id=owner.id,
                )
            )
            previous = stage
        for key in reasons:
            self.session.add(DealReason(team_id=self.team_id, deal_id=deal.id, reason_key=key))
        self.session.flush()
        return deal
