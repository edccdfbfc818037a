"""The plan against the day: which planned items were done, which were missed, and what carries.

DOMAIN.md §6: the evening Do/Check sets the morning plan beside what really happened. An item
counts as done when the day's data shows it: a planned visit when a visit to that account (or
one whose name it mentions) was logged; a plan item when it names an account visited that day
(its name or an alias), or is a follow-up the rep marked done that day (the plan form is
prefilled with follow-ups' labels, so the same words come back). Everything else is missed.
The review form shows these marks as ticked boxes the rep can correct; saving stores a
`done` flag on each item and planned visit (`CheckIn.plan_items` / `planned_visits`, JSON),
and the next plan form starts with the missed ones (`carried`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.actor import Actor
from bot.core.text import normalize
from bot.followups.rules import FollowUpItem
from bot.people.members import workspace_config
from storage.models import Account, AccountAlias, CheckIn, Contact, FollowUp

MIN_NAME = 2  # a normalised name shorter than this matches too much to count
CARRY_DAYS = 7  # a plan older than this is not carried (a holiday or time off in between is)


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the morning plan: `key` 'i3' (the fourth item) or 'v0' (the first planned
    visit), its text, its tag (None for a planned visit) and whether the day's data shows it done."""

    key: str
    text: str
    tag: str | None
    done: bool


def _names(session: Session, account_ids: Iterable[int]) -> set[str]:
    """Normalised names and aliases of the accounts (those long enough to mean something)."""
    ids = sorted(set(account_ids))
    if not ids:
        return set()
    names = set(session.scalars(select(Account.name).where(Account.id.in_(ids))))
    names |= set(session.scalars(select(AccountAlias.alias).where(AccountAlias.account_id.in_(ids))))
    return {n for n in (normalize(name) for name in names) if len(n) >= MIN_NAME}


def _done_follow_ups(session: Session, actor: Actor, start: datetime, end: datetime) -> set[str]:
    """The follow-ups marked done in [start, end), as the plan form words them, normalised
    (in both languages: the plan may have been written before a language switch)."""
    rows = session.execute(
        select(FollowUp, Account.name, Contact.name)
        .outerjoin(Account, Account.id == FollowUp.account_id)
        .outerjoin(Contact, Contact.id == FollowUp.contact_id)
        .where(
            FollowUp.team_id == actor.team_id,
            FollowUp.owner_id == actor.person_id,
            FollowUp.status == "done",
            FollowUp.done_at >= start,
            FollowUp.done_at < end,
        )
    )
    rules = workspace_config(session, actor.team_id).follow_up
    out: set[str] = set()
    for f, account, contact in rows:
        item = FollowUpItem(f.id, f.owner_id, f.kind, f.text, f.due_at, f.account_id, account, contact, rules)
        out |= {normalize(item.label("en")), normalize(item.label("zh")), normalize(f.text)}
    return {text for text in out if len(text) >= MIN_NAME}


def plan_entries(
    session: Session, actor: Actor, checkin: CheckIn | None, visited: Iterable[int], start: datetime, end: datetime
) -> list[Entry]:
    """Each planned item and visit of `checkin`, marked done from the accounts `visited` and
    the follow-ups done between `start` and `end` (the person's local day)."""
    if checkin is None:
        return []
    visited_ids = set(visited)
    names = _names(session, visited_ids)
    finished = _done_follow_ups(session, actor, start, end)
    entries = []
    for n, item in enumerate(checkin.plan_items or []):
        text = str(item.get("text") or "")
        norm = normalize(text)
        done = any(name in norm for name in names) or any(f == norm or f in norm for f in finished)
        entries.append(Entry(f"i{n}", text, str(item.get("tag") or ""), done))
    for n, visit in enumerate(checkin.planned_visits or []):
        name = str(visit.get("name") or "")
        account_id = visit.get("account_id")
        norm = normalize(name)
        if account_id:
            done = int(account_id) in visited_ids
        else:
            done = len(norm) >= MIN_NAME and any(norm in v or v in norm for v in names)
        entries.append(Entry(f"v{n}", name, None, done))
    return entries


def mark(checkin: CheckIn, done_keys: set[str]) -> tuple[int, int]:
    """Store on each item and planned visit whether it was done (`done_keys` as `Entry.key`);
    returns (done, missed)."""
    items = [{**item, "done": f"i{n}" in done_keys} for n, item in enumerate(checkin.plan_items or [])]
    visits = [{**visit, "done": f"v{n}" in done_keys} for n, visit in enumerate(checkin.planned_visits or [])]
    checkin.plan_items = items  # new lists: the JSON columns see the change
    checkin.planned_visits = visits
    done = sum(1 for entry in (*items, *visits) if entry["done"])
    return done, len(items) + len(visits) - done


@dataclass(frozen=True, slots=True)
class Carried:
    """What the last reviewed plan before a day left undone: items by tag, planned visits."""

    day: date | None
    items: list[dict[str, Any]]
    visits: list[dict[str, Any]]

    @property
    def count(self) -> int:
        return len(self.items) + len(self.visits)


def carried(session: Session, actor: Actor, day: date) -> Carried:
    """The missed items and visits of the person's last reviewed plan before `day` (within
    `CARRY_DAYS`), to start `day`'s plan with. A plan not reviewed carries nothing: nobody
    said what was missed."""
    previous = session.scalar(
        select(CheckIn)
        .where(
            CheckIn.person_id == actor.person_id,
            CheckIn.local_date < day,
            CheckIn.local_date >= day - timedelta(days=CARRY_DAYS),
            CheckIn.reviewed_at.is_not(None),
            CheckIn.planned_at.is_not(None),
        )
        .order_by(CheckIn.local_date.desc())
        .limit(1)
    )
    if previous is None:
        return Carried(None, [], [])
    items = [i for i in previous.plan_items or [] if i.get("done") is False and i.get("text")]
    visits = [v for v in previous.planned_visits or [] if v.get("done") is False]
    return Carried(previous.local_date, items, visits)
