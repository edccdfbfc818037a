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

from sqlalchemy.orm import Session

from bot.accounts.create import create_account
from bot.core.actor import Actor
from bot.people.admin import set_role
from bot.people.members import actor_for, ensure_person, ensure_workspace, update_profile
from bot.people.teams import set_up_team
from storage.models import Account, Deal, Person
from tests.conftest import START, TEAM
from tests.world_ops import FOUNDER, play_deal, workspace_admin

JOINED = START - timedelta(days=1000)  # everyone joined before the oldest deal of any test


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
        """The workspace's admin (`world_ops.workspace_admin`); `first` founds it if nobody has
        joined yet."""
        return actor_for(workspace_admin(self.session, self.team_id, JOINED, first=first))

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
        """A deal whose history is `[(day, stage), …]` (days from START) in time order, played by
        its owner (`world_ops.play_deal`); by default at the world's one "Ricoh" account."""
        if account is None:
            if self._account is None:
                self._account = self.account()
            account = self._account
        timeline = [(day(n), stage) for n, stage in history]
        return play_deal(
            self.session, owner, account, timeline, title=title, amount=amount, close=close, reasons=reasons
        )
