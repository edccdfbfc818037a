"""What every test world does the same way through the app's operations: find (or found) the
workspace's admin, who gives roles and sets up teams, and play a deal through its history.

One place for both, so the worlds (funnel_data, digest_world, visit_world) make people and
deals alike, and a change in how the app founds a workspace or refuses a deal is met once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.text import normalize
from bot.deals.ops import close_deal, create_deal, move_deal
from bot.deals.parser import FieldChanges
from bot.people.members import actor_for, ensure_person, update_profile
from storage.models import Account, Deal, Person

FOUNDER = "UFOUNDER"  # who installed the app: the workspace's first person, so its admin
DEFAULT_TITLE = "Copiers"
CLOSING = ("won", "lost")
# The app asks a reason for every loss: a lost deal the test gives none for is lost for this one.
DEFAULT_LOSS_REASONS = ("no_need",)


def workspace_admin(
    session: Session, team_id: str, joined: datetime, *, first: str = FOUNDER, tz: str = "UTC"
) -> Person:
    """The workspace's first admin. If nobody has joined yet, `first` joins now (as of `joined`)
    and, being the first person the workspace meets, is made its founding admin; `FOUNDER` gets
    a cached profile (a named person's caller caches their own)."""
    admin = session.scalars(
        select(Person).where(Person.team_id == team_id, Person.role == "admin").order_by(Person.id).limit(1)
    ).first()
    if admin is not None:
        return admin
    admin = ensure_person(session, team_id, first, joined)
    if first == FOUNDER:
        update_profile(admin, name="Founder", tz=tz, locale="en-US", now=joined)
    assert admin.role == "admin", "the workspace already had people but no admin"
    return admin


def play_deal(
    session: Session,
    owner: Person,
    account: Account,
    history: Sequence[tuple[datetime, str]],
    *,
    title: str | None = None,
    amount: int | None = 100_000,
    close: date | None = None,
    reasons: Sequence[str] = (),
    lesson: str | None = None,
) -> Deal:
    """A deal whose history `[(when, stage), …]` is played in time order by its owner: the first
    entry creates it at that stage (`create_deal`), each next one moves it (`move_deal`), a last
    'won' / 'lost' closes it (`close_deal`, with `reasons` and `lesson`; a loss without reasons
    gets DEFAULT_LOSS_REASONS). The rep moves and closes "anyway" where the app would ask
    (unmet exit criteria, too few contacts). Without a title the deal is `free_title`'s."""
    actor = actor_for(owner)
    (created, first_stage), *rest = history
    changes = FieldChanges(amount=Decimal(amount) if amount is not None else None, expected_close=close)
    view = create_deal(
        session,
        actor,
        title=title or free_title(session, account),
        now=created,
        account_id=account.id,
        changes=changes,
        stage=first_stage,
    )
    for when, stage in rest:
        if stage in CLOSING:
            chosen = list(reasons or (DEFAULT_LOSS_REASONS if stage == "lost" else ()))
            close_deal(session, actor, view.id, stage, when, reasons=chosen, lesson=lesson, override=True)
        else:
            move_deal(session, actor, view.id, stage, when, override=True)
    deal = session.get(Deal, view.id)
    assert deal is not None
    return deal


def free_title(session: Session, account: Account) -> str:
    """DEFAULT_TITLE, or "Copiers 2", "Copiers 3"…: the first that no open deal at the account
    has (the app refuses a second open deal of one title at one account)."""
    taken = set(session.scalars(select(Deal.title_norm).where(Deal.account_id == account.id, Deal.status == "open")))
    n = 1
    while normalize(title := DEFAULT_TITLE if n == 1 else f"{DEFAULT_TITLE} {n}") in taken:
        n += 1
    return title
