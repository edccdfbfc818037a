"""Tiered selling, 5+5+5 (分层销售, docs/method.md §8): naming the accounts, and the monthly review.

Each rep names 15 accounts: 5 with a lot of business below potential (`big`), 5 with some
business below potential (`some`), 5 with no business yet but large potential (`none`, the
five that rotate). `/coach tier Ricoh grow 200k` puts an account in a slot with the business
expected from it this year; the monthly review puts expected against actual for every named
account and names the slots still empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.accounts.matching import Candidate, find_accounts
from bot.core.access import AccessError, access_account, access_person_by_slack_id, require_manager
from bot.core.actor import Actor
from bot.core.clock import local_date
from bot.digests.periods import Window, month_of, year_to
from bot.people.teams import display_name
from storage.db import Database, in_transaction
from storage.models import Account, Deal, Person, Visit

TIERS = ("big", "some", "none")
PER_TIER = 5

# What people type for each slot, in both languages (the first word is the canonical one).
TIER_WORDS: dict[str, tuple[str, ...]] = {
    "big": ("big", "grow", "大", "扩大", "大客户"),
    "some": ("some", "develop", "中", "发展", "有生意"),
    "none": ("none", "new", "potential", "新", "开拓", "无生意"),
    "": ("clear", "off", "remove", "取消", "清除"),
}


def tier_from_word(word: str) -> str | None:
    """The slot key for a typed word ('' clears the slot), or None if it is not a tier word."""
    low = word.strip().lower()
    for key, words in TIER_WORDS.items():
        if low in words:
            return key
    return None


class TierFull(AccessError):
    """The rep already has five accounts in that slot; the reply names them."""

    message_key = "digests.tier.full"

    def __init__(self, tier: str, names: list[str]) -> None:
        super().__init__(tier)
        self.tier = tier
        self.names = names


class NoOwner(AccessError):
    message_key = "digests.tier.no_owner"


@dataclass(frozen=True)
class TierResult:
    """What `/coach tier` did: the account placed (or the candidates to choose from)."""

    account_id: int | None = None
    account_name: str = ""
    tier: str = ""
    expected: Decimal | None = None
    candidates: list[Candidate] = field(default_factory=list)


def set_tier(
    session: Session,
    actor: Actor,
    account_text: str,
    tier: str,
    expected: Decimal | None,
    *,
    account_id: int | None = None,
) -> TierResult:
    """Put an account in one of its owner's 5+5+5 slots (or clear it).

    The account is the single clear match for `account_text` among the accounts the actor may
    see (a rep: their own; a manager: their team's); several matches come back as candidates and
    nothing changes. A slot holds at most five accounts: rotating one out is an explicit clear.
    """
    if account_id is None:
        candidates = find_accounts(session, actor, account_text)
        if len(candidates) != 1:
            return TierResult(candidates=candidates)
        account_id = candidates[0].id
    account = access_account(session, actor, account_id)
    if account.owner_id is None:
        raise NoOwner()
    if tier:
        others = session.scalars(
            select(Account.name).where(
                Account.team_id == actor.team_id,
                Account.owner_id == account.owner_id,
                Account.tier == tier,
                Account.id != account.id,
                Account.archived_at.is_(None),
            )
        ).all()
        if len(others) >= PER_TIER:
            raise TierFull(tier, sorted(others))
    account.tier = tier or None
    if tier:
        account.tier_expected = expected if expected is not None else account.tier_expected
    else:
        account.tier_expected = None
    return TierResult(account.id, account.name, tier, account.tier_expected)


do_set_tier = in_transaction(set_tier)


@dataclass(frozen=True)
class TierAccount:
    account_id: int
    name: str
    tier: str
    business_status: str
    expected: Decimal | None
    won: Decimal  # won this year on the account
    pipeline: Decimal  # open deals' amounts
    visits_month: int  # visits in the review month
    last_visit: date | None


@dataclass(frozen=True)
class RepTiers:
    person_id: int
    name: str
    accounts: list[TierAccount]

    def in_tier(self, tier: str) -> list[TierAccount]:
        return [a for a in self.accounts if a.tier == tier]

    def missing(self) -> dict[str, int]:
        """Slots still empty, by tier (only the tiers that are short)."""
        return {t: PER_TIER - len(self.in_tier(t)) for t in TIERS if len(self.in_tier(t)) < PER_TIER}

    @property
    def expected_total(self) -> Decimal:
        return sum((a.expected or Decimal(0) for a in self.accounts), Decimal(0))

    @property
    def won_total(self) -> Decimal:
        return sum((a.won for a in self.accounts), Decimal(0))


@dataclass(frozen=True)
class TierReview:
    """The monthly 5+5+5 review of one team: `month` is the month reviewed, `year` the part
    of the year whose won business is the actual."""

    team_name: str
    month: Window
    year: Window
    reps: list[RepTiers]


def build_tier_review(
    session: Session, team_id: str, team_name: str, reps: list[Person], month: Window, year: Window
) -> TierReview:
    """Every rep's named accounts, expected against actual, in four set-based queries.

    `month` is the month under review (its visits count); `year` the part of the year whose
    won business counts as actual.
    """
    month_start, month_end, year_start = month.start, month.end, year.start
    ids = [p.id for p in reps]
    accounts = (
        session.scalars(
            select(Account).where(
                Account.team_id == team_id,
                Account.owner_id.in_(ids),
                Account.tier.in_(TIERS),
                Account.archived_at.is_(None),
            )
        ).all()
        if ids
        else []
    )
    account_ids = [a.id for a in accounts]
    won: dict[int, Decimal] = {}
    pipeline: dict[int, Decimal] = {}
    visits: dict[int, int] = {}
    last_visit: dict[int, datetime] = {}
    if account_ids:
        # The ids come from this workspace's accounts: no team filter below, so both planners read
        # the account indexes rather than the workspace's deals or visits by status or date.
        for account_id, status, amount in session.execute(
            select(Deal.account_id, Deal.status, func.coalesce(func.sum(Deal.amount), 0))
            .where(
                Deal.account_id.in_(account_ids),
                (Deal.status == "open")
                | ((Deal.status == "won") & (Deal.closed_at >= year_start) & (Deal.closed_at < year.end)),
            )
            .group_by(Deal.account_id, Deal.status)
        ):
            target = won if status == "won" else pipeline
            target[account_id] = Decimal(str(amount))
        for account_id, count in session.execute(
            select(Visit.account_id, func.count())
            .where(
                Visit.account_id.in_(account_ids),
                Visit.occurred_at >= month_start,
                Visit.occurred_at < month_end,
            )
            .group_by(Visit.account_id)
        ):
            visits[account_id] = int(count)
        latest: datetime | None
        for account_id, latest in session.execute(
            select(Visit.account_id, func.max(Visit.occurred_at))
            .where(Visit.account_id.in_(account_ids), Visit.occurred_at < month_end)
            .group_by(Visit.account_id)
        ):
            last_visit[account_id] = latest
    by_owner: dict[int, list[TierAccount]] = {i: [] for i in ids}
    order = {t: i for i, t in enumerate(TIERS)}
    for a in sorted(accounts, key=lambda a: (order[a.tier or ""], a.name.casefold())):
        latest = last_visit.get(a.id)
        by_owner[a.owner_id or 0].append(
            TierAccount(
                account_id=a.id,
                name=a.name,
                tier=a.tier or "",
                business_status=a.business_status,
                expected=a.tier_expected,
                won=won.get(a.id, Decimal(0)),
                pipeline=pipeline.get(a.id, Decimal(0)),
                visits_month=visits.get(a.id, 0),
                last_visit=local_date(latest, month.tz) if latest else None,
            )
        )
    return TierReview(
        team_name=team_name,
        month=month,
        year=year,
        reps=[RepTiers(p.id, display_name(p), by_owner[p.id]) for p in reps],
    )


def do_show_tiers(db: Database, actor: Actor, rep_user_id: str | None, now: datetime) -> TierReview:
    """One rep's 5+5+5 this month: your own, or (managers) a rep's you manage."""
    today = local_date(now, actor.tz)
    with db.transaction() as session:
        if rep_user_id and rep_user_id != actor.user_id:
            require_manager(actor)
            person = access_person_by_slack_id(session, actor, rep_user_id)
        else:
            person = session.get_one(Person, actor.person_id)
        return build_tier_review(
            session, actor.team_id, "", [person], month_of(today, actor.tz), year_to(today, actor.tz)
        )
