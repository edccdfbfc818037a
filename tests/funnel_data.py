"""Hand-built funnels for the analytics, App Home and /pipeline tests.

The data is made by the app's own operations, backdated by passing an earlier `now` (as
`dev/demo.py` does): people join through `ensure_person` and have their profile cached
(`update_profile`); a founding admin (the first person the workspace meets, as whoever installs
the app: the world's first person if an admin, else `FOUNDER`) gives roles (`set_role`) and
sets up teams (`set_up_team`). Accounts come from `create_account`; each deal's history
`[(day, stage), …]` is played in time order by its owner through `create_deal`, `move_deal` and
`close_deal`, which write the stage history the analytics read (see `storage.models.deals`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.accounts.create import create_account
from bot.core.actor import Actor
from bot.core.text import normalize
from bot.deals.ops import close_deal, create_deal, move_deal
from bot.deals.parser import FieldChanges
from bot.people.admin import set_role
from bot.people.members import actor_for, ensure_person, ensure_workspace, update_profile
from bot.people.teams import set_up_team
from storage.models import Account, Deal, Person
from tests.conftest import START, TEAM

FOUNDER = "UFOUNDER"  # the workspace's founding admin: gives the roles and sets up the teams
JOINED = START - timedelta(days=1000)  # everyone joined before the oldest deal of any test
DEFAULT_TITLE = "Copiers"
# The app asks a reason for every loss: a lost deal the test gives none for is lost for this one.
DEFAULT_LOSS_REASONS = ("no_need",)


def day(n: float) -> datetime:
    """`n` days after the tests' START (negative: before)."""
    return START + timedelta(days=n)


class Funnel:
    """Builds people, accounts and deals with history in one session, through the app's
    session-level operations."""

    def __init__(self, session: Session, team_id: str = TEAM) -> None:
        self.session = session
        self.team_id = team_id
        ensure_workspace(session, team_id, START)
        self._account: Account | None = None

    def admin(self, first: str = FOUNDER) -> Actor:
        """The founding admin: the first person the workspace meets (whoever installs the app),
        so made its admin; `first` joins as that person if nobody has joined yet."""
        founder = self.session.scalar(select(Person).where(Person.team_id == self.team_id, Person.founder.is_(True)))
        if founder is None:
            founder = ensure_person(self.session, self.team_id, first, JOINED)
        assert founder.role == "admin", "the founder is the workspace's admin"
        return actor_for(founder)

    def person(self, user_id: str, name: str = "", *, role: str = "rep", manager: Person | None = None) -> Person:
        """A person who joined (as a rep, unless they founded the workspace), with a cached
        profile, then given `role` by the admin and, with `manager`, put in that manager's team
        (which makes them a manager)."""
        admin = self.admin(user_id if role == "admin" else FOUNDER)
        person = ensure_person(self.session, self.team_id, user_id, JOINED)
        update_profile(person, name=name or user_id, tz="UTC", locale=None, now=START)
        if manager is not None:
            set_up_team(self.session, admin, manager.slack_user_id, [user_id], JOINED)
        if person.role != role:
            set_role(self.session, admin, user_id, role, JOINED)
        self.session.flush()
        return person

    def account(self, name: str = "Ricoh", owner: Person | None = None) -> Account:
        """The owner's account of that name, made on first use (`create_account` returns the
        live account of that owner and name if there is one)."""
        return create_account(self.session, self.team_id, name, owner.id if owner else None, JOINED)

    def deal(
        self,
        owner: Person,
        history: list[tuple[float, str]],
        *,
        amount: int | None = 100_000,
        close: date | None = None,
        title: str | None = None,
        account: Account | None = None,
        reasons: tuple[str, ...] = (),
    ) -> Deal:
        """A deal whose history is `[(day, stage), …]` in time order, played by its owner: the
        first entry creates it at that stage, each next one moves it, 'won' / 'lost' closes it
        (with `reasons`; a loss without any gets DEFAULT_LOSS_REASONS). The rep moves and
        closes "anyway" where the app would ask (unmet exit criteria, too few contacts).
        Without a title the deal is "Copiers", numbered past the titles open at the account
        (the app refuses a second open deal of one title at one account)."""
        if account is None:
            if self._account is None:
                self._account = self.account()
            account = self._account
        actor = actor_for(owner)
        (first_day, first_stage), *rest = history
        changes = FieldChanges(amount=Decimal(amount) if amount is not None else None, expected_close=close)
        view = create_deal(
            self.session,
            actor,
            title=title or self._free_title(account),
            now=day(first_day),
            account_id=account.id,
            changes=changes,
            stage=first_stage,
        )
        for when, stage in rest:
            if stage in ("won", "lost"):
                chosen = list(reasons or (DEFAULT_LOSS_REASONS if stage == "lost" else ()))
                close_deal(self.session, actor, view.id, stage, day(when), reasons=chosen, override=True)
            else:
                move_deal(self.session, actor, view.id, stage, day(when), override=True)
        deal = self.session.get(Deal, view.id)
        assert deal is not None
        return deal

    def _free_title(self, account: Account) -> str:
        """DEFAULT_TITLE, or "Copiers 2", "Copiers 3"… : the first no open deal at the account has."""
        taken = set(
            self.session.scalars(select(Deal.title_norm).where(Deal.account_id == account.id, Deal.status == "open"))
        )
        n = 1
        while normalize(title := DEFAULT_TITLE if n == 1 else f"{DEFAULT_TITLE} {n}") in taken:
            n += 1
        return title
