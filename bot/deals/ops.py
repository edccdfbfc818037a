"""Deal operations: create, update fields, move between stages, close as won or lost.

Every operation takes the acting person, fetches the deal through `access_deal` (a forged or
foreign id is simply not found) and writes the stage history the funnel is computed from:

- creation: a `stage_changes` row with `from_stage` NULL and `to_stage` the first stage;
- each move, forward or back: a row (from, to, when, who, `override`), and
  `deals.stage_entered_at` is reset;
- won / lost: a row with `to_stage` 'won' / 'lost'; the deal keeps the stage it was closed
  from in `stage_key` and gets `status`, `closed_at`, reasons and lesson.

A forward move that skips unmet exit criteria, or a loss on an account contacted too few
times, is not refused but needs the rep's confirmation: the operation raises `NeedsConfirm`
and the rep's "move anyway" sends it again with `override=True`, which is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.accounts.create import EmptyAccountName, create_account
from bot.core.access import access_account, access_deal
from bot.core.actor import Actor
from bot.core.config import BANTCC, LossReason
from bot.core.text import normalize
from bot.deals.parser import FieldChanges
from bot.deals.stages import Funnel, load_funnel
from bot.leads.ops import link_deal
from bot.people.members import workspace_config
from storage.db import Database, in_transaction
from storage.models import Account, Deal, DealReason, Person, StageChange

MAX_TITLE = 200


class DealError(Exception):
    """A request we understood but cannot do; `key` is the message shown to the rep."""

    def __init__(self, message_key: str, /, **values: object) -> None:
        super().__init__(message_key)
        self.key = message_key
        self.values = values


@dataclass
class NeedsConfirm(Exception):
    """The operation needs a "do it anyway" from the rep. Nothing was changed."""

    deal_id: int
    kind: str  # "criteria" (unmet exit criteria) or "contacts" (too few contacts to close lost)
    unmet: list[str] = field(default_factory=list)
    contacts: int = 0
    minimum: int = 0
    target: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    from_stage: str | None
    to_stage: str
    changed_at: datetime
    changed_by: str | None  # Slack user id
    override: bool
    note: str | None


@dataclass(frozen=True)
class DealView:
    """A deal as rendering needs it, read inside the transaction."""

    id: int
    title: str
    account_id: int
    account_name: str
    owner_user: str | None
    owner_name: str
    stage_key: str
    stage_entered_at: datetime
    amount: Decimal | None
    currency: str
    expected_close: date | None
    qualification: dict[str, bool | None]
    status: str
    closed_at: datetime | None
    lesson: str | None
    reasons: tuple[str, ...] = ()
    history: tuple[HistoryEntry, ...] = ()


def deal_view(session: Session, deal: Deal, *, history: bool = False) -> DealView:
    account = session.get(Account, deal.account_id)
    owner = session.get(Person, deal.owner_id) if deal.owner_id else None
    reasons = tuple(
        session.scalars(
            select(DealReason.reason_key).where(DealReason.deal_id == deal.id).order_by(DealReason.reason_key)
        )
    )
    entries: tuple[HistoryEntry, ...] = ()
    if history:
        rows = session.execute(
            select(StageChange, Person.slack_user_id)
            .outerjoin(Person, Person.id == StageChange.changed_by_id)
            .where(StageChange.deal_id == deal.id)
            .order_by(StageChange.changed_at, StageChange.id)
        ).all()
        entries = tuple(
            HistoryEntry(c.from_stage, c.to_stage, c.changed_at, user, c.override, c.note) for c, user in rows
        )
    return DealView(
        id=deal.id,
        title=deal.title,
        account_id=deal.account_id,
        account_name=account.name if account else "?",
        owner_user=owner.slack_user_id if owner else None,
        owner_name=(owner.name or owner.slack_user_id) if owner else "",
        stage_key=deal.stage_key,
        stage_entered_at=deal.stage_entered_at,
        amount=deal.amount,
        currency=deal.currency,
        expected_close=deal.expected_close,
        qualification={item: getattr(deal, item) for item in BANTCC},
        status=deal.status,
        closed_at=deal.closed_at,
        lesson=deal.lesson,
        reasons=reasons,
        history=entries,
    )


def new_account(session: Session, team_id: str, name: str, owner_id: int | None, now: datetime) -> Account:
    """A new account (no business yet), owned by `owner_id`; an empty name is a DealError."""
    try:
        return create_account(session, team_id, name, owner_id, now)
    except EmptyAccountName:
        raise DealError("deal.err.account_name") from None


def _apply_changes(deal: Deal, changes: FieldChanges) -> None:
    if changes.amount is not None:
        deal.amount = changes.amount
    if changes.currency:
        deal.currency = changes.currency
    if changes.expected_close is not None:
        deal.expected_close = changes.expected_close
    for item, value in changes.qualification.items():
        if item in BANTCC:
            setattr(deal, item, value)


def _record(
    session: Session,
    deal: Deal,
    actor: Actor,
    from_stage: str | None,
    to_stage: str,
    now: datetime,
    *,
    override: bool = False,
    note: str | None = None,
) -> None:
    session.add(
        StageChange(
            team_id=deal.team_id,
            deal_id=deal.id,
            from_stage=from_stage,
            to_stage=to_stage,
            changed_at=now,
            changed_by_id=actor.person_id,
            owner_id=deal.owner_id,
            override=override,
            note=note[:2000] if note else None,
        )
    )


def _stage_for(funnel: Funnel, ref: str) -> str:
    """The key of the active stage `ref` names, or a `DealError` that lists the stages."""
    found = funnel.resolve(ref)
    if len(found) == 1:
        return found[0].key
    key = "deal.err.stage_ambiguous" if found else "deal.err.stage_unknown"
    raise DealError(key, stage=ref[:60], stages=", ".join(s.key for s in (found or funnel.active)))


def create_deal(
    session: Session,
    actor: Actor,
    *,
    title: str,
    now: datetime,
    account_id: int | None = None,
    new_account_name: str | None = None,
    changes: FieldChanges | None = None,
    stage: str = "",
) -> DealView:
    """A new open deal owned by the actor, at `stage` (default: the first active stage).

    With `new_account_name` the account is created too (the rep confirmed it is new). The same
    open title at the same account is refused, so a double click creates one deal.
    """
    title = " ".join(title.split())
    if not normalize(title):
        raise DealError("deal.err.title")
    if len(title) > MAX_TITLE:
        raise DealError("deal.err.title_long", limit=MAX_TITLE)
    funnel = load_funnel(session, actor.team_id)
    if not funnel.active:
        raise DealError("deal.err.no_stages")
    stage_key = _stage_for(funnel, stage) if stage else funnel.active[0].key
    if new_account_name is not None:
        existing = session.scalar(
            select(Account).where(
                Account.team_id == actor.team_id,
                Account.name_norm == normalize(new_account_name),
                Account.archived_at.is_(None),
            )
        )
        if existing is not None:
            account = access_account(session, actor, existing.id)
        else:
            account = new_account(session, actor.team_id, new_account_name, actor.person_id, now)
    else:
        account = access_account(session, actor, account_id)
    duplicate = session.scalar(
        select(Deal.id).where(
            Deal.team_id == actor.team_id,
            Deal.account_id == account.id,
            Deal.title_norm == normalize(title),
            Deal.status == "open",
        )
    )
    if duplicate is not None:
        raise DealError("deal.err.duplicate", title=title, account=account.name)
    config = workspace_config(session, actor.team_id)
    deal = Deal(
        team_id=actor.team_id,
        account_id=account.id,
        owner_id=actor.person_id,
        title=title,
        title_norm=normalize(title),
        currency=config.default_currency,
        stage_key=stage_key,
        stage_entered_at=now,
        status="open",
        created_at=now,
    )
    _apply_changes(deal, changes or FieldChanges())
    session.add(deal)
    session.flush()
    _record(session, deal, actor, None, stage_key, now)
    link_deal(session, account.id, deal.id, now)  # the deal remembers the lead it came from
    session.flush()
    return deal_view(session, deal)


do_create_deal = in_transaction(create_deal)


def _open_deal(session: Session, actor: Actor, deal_id: object) -> Deal:
    deal = access_deal(session, actor, deal_id)
    # Lock the row (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers): of two
    # clicks at the same moment the second waits, then sees the first's move or close.
    session.refresh(deal, with_for_update=True)
    if deal.status != "open":
        raise DealError(f"deal.err.closed_{deal.status}", title=deal.title)
    return deal


def do_set_fields(db: Database, actor: Actor, deal_id: object, changes: FieldChanges, now: datetime) -> DealView:
    """Amount, expected close and BANTCC items of an open deal."""
    with db.transaction() as session:
        deal = _open_deal(session, actor, deal_id)
        _apply_changes(deal, changes)
        session.flush()
        return deal_view(session, deal)


@dataclass(frozen=True)
class MoveResult:
    deal: DealView
    from_stage: str
    to_stage: str
    back: bool
    override: bool
    unmet: tuple[str, ...] = ()


def move_deal(
    session: Session,
    actor: Actor,
    deal_id: object,
    stage: str,
    now: datetime,
    *,
    override: bool = False,
    note: str | None = None,
) -> MoveResult:
    """Move an open deal to the stage `stage` names (key, name in either language, number).

    Forward past unmet exit criteria raises `NeedsConfirm` unless `override`; the override is
    recorded only when criteria were in fact unmet.
    """
    deal = _open_deal(session, actor, deal_id)
    funnel = load_funnel(session, actor.team_id)
    target = _stage_for(funnel, stage)
    source = deal.stage_key
    if target == source:
        raise DealError("deal.err.same_stage", stage=funnel.label(target, actor.lang))
    unmet = [item for item in funnel.required_for(source, target) if getattr(deal, item) is not True]
    if unmet and not override:
        raise NeedsConfirm(deal_id=deal.id, kind="criteria", unmet=unmet, target=target)
    back = not funnel.is_forward(source, target)
    deal.stage_key = target
    deal.stage_entered_at = now
    deal.stale_notified_stage = None
    _record(session, deal, actor, source, target, now, override=bool(unmet), note=note)
    session.flush()
    return MoveResult(deal_view(session, deal), source, target, back, bool(unmet), tuple(unmet))


do_move_deal = in_transaction(move_deal)


def contacts_made(account: Account) -> int:
    """How many times the account has been contacted: `accounts.contact_count`, which logging
    a visit (any channel) increments and undoing one decrements (bot/visits)."""
    return int(account.contact_count or 0)


def reasons_for(session: Session, team_id: str, outcome: str) -> list[LossReason]:
    config = workspace_config(session, team_id)
    reasons = config.loss_reasons if outcome == "lost" else config.win_reasons
    return [r for r in reasons if not r.retired]  # retired reasons keep naming old deals only


def reason_names(session: Session, team_id: str, lang: str) -> dict[str, str]:
    """Reason key → label in `lang`, for both outcomes (won reasons win a key clash)."""
    config = workspace_config(session, team_id)
    return {r.key: (r.zh if lang == "zh" else r.en) for r in [*config.loss_reasons, *config.win_reasons]}


def check_close(db: Database, actor: Actor, deal_id: object, outcome: str) -> DealView:
    """May this deal be closed as `outcome` without asking? Raises `NeedsConfirm` (lost on an
    account contacted `min_contacts_before_lost` times or fewer) or `DealError`."""
    with db.transaction() as session:
        deal = _open_deal(session, actor, deal_id)
        _check_contacts(session, actor, deal, outcome, override=False)
        return deal_view(session, deal)


def _check_contacts(session: Session, actor: Actor, deal: Deal, outcome: str, *, override: bool) -> bool:
    """True when the loss goes against the minimum contacts rule (so it is an override)."""
    if outcome != "lost":
        return False
    minimum = workspace_config(session, actor.team_id).follow_up.min_contacts_before_lost
    account = session.get(Account, deal.account_id)
    made = contacts_made(account) if account else 0
    if made > minimum:
        return False
    if not override:
        raise NeedsConfirm(deal_id=deal.id, kind="contacts", contacts=made, minimum=minimum)
    return True


def close_deal(
    session: Session,
    actor: Actor,
    deal_id: object,
    outcome: str,
    now: datetime,
    *,
    reasons: list[str] | None = None,
    lesson: str | None = None,
    override: bool = False,
) -> DealView:
    """Close an open deal as won or lost, with reasons from the workspace's taxonomy."""
    if outcome not in ("won", "lost"):
        raise ValueError(outcome)
    deal = _open_deal(session, actor, deal_id)
    allowed = {r.key for r in reasons_for(session, actor.team_id, outcome)}
    chosen = list(dict.fromkeys(reasons or []))
    unknown = [r for r in chosen if r not in allowed]
    if unknown:
        raise DealError("deal.err.reason_unknown", reasons=", ".join(unknown)[:200])
    if outcome == "lost" and allowed and not chosen:
        raise DealError("deal.err.reason_needed")
    overridden = _check_contacts(session, actor, deal, outcome, override=override)
    deal.status = outcome
    deal.closed_at = now
    deal.lesson = (lesson or "").strip()[:3000] or None
    for key in chosen:
        session.add(DealReason(team_id=deal.team_id, deal_id=deal.id, reason_key=key))
    _record(session, deal, actor, deal.stage_key, outcome, now, override=overridden)
    session.flush()
    return deal_view(session, deal)


do_close_deal = in_transaction(close_deal)


def do_show_deal(db: Database, actor: Actor, deal_id: object) -> DealView:
    with db.transaction() as session:
        return deal_view(session, access_deal(session, actor, deal_id), history=True)
