"""The weekly win/loss recap (坦然接受商机输赢,认真复盘; docs/method.md §7, §9).

A parent message with the week's won and lost deals (counts and amounts by rep, the top
reasons), one threaded reply per closed deal (account, amount, stage reached, days in the
pipeline, visits and contacts involved: the visits logged against the deal or, unlinked, to its
account during its life; reasons, the rep's lesson) and a closing reply that
invites lessons. Two flags guide the discussion:

* untouched failure (未接触性失败): a lost deal whose account had no visit in the
  `UNTOUCHED_DAYS` days before it was lost (or lost for "never engaged");
* lost on price: evidence the sale went badly, so the recap asks why (was the decision maker
  at the demo, was our proposal before or after the competitor's, was the budget known, was
  the buying process known).

The totals and reasons are `bot.analytics.win_loss`; the per-deal details are read here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import analytics
from bot.core.config import WorkspaceConfig
from bot.people.teams import display_name
from storage.models import Account, Contact, Deal, DealReason, Person, StageChange, Visit, VisitContact

UNTOUCHED_DAYS = 30
PRICE = "price"
NEVER_ENGAGED = "never_engaged"
RECAP_DAYS = 7


@dataclass(frozen=True)
class ClosedDeal:
    deal_id: int
    title: str
    account_name: str
    owner_id: int | None
    owner_name: str
    status: str  # won / lost
    amount: Decimal | None
    currency: str
    closed_at: datetime
    stage_reached: analytics.StageInfo | None
    days_in_pipeline: int
    visits: int
    contacts: list[str]
    reasons: list[str]  # reason keys, in the taxonomy's order
    lesson: str | None
    last_visit_at: datetime | None  # the last visit before the close, if within the span read

    @property
    def untouched(self) -> bool:
        """Lost without a visit in the 30 days before (or lost as 'never engaged')."""
        if self.status != "lost":
            return False
        if NEVER_ENGAGED in self.reasons:
            return True
        return self.last_visit_at is None or self.last_visit_at < self.closed_at - timedelta(days=UNTOUCHED_DAYS)

    @property
    def lost_on_price(self) -> bool:
        return self.status == "lost" and PRICE in self.reasons


@dataclass(frozen=True)
class RepOutcome:
    person_id: int
    name: str
    won: int = 0
    won_amount: Decimal = Decimal(0)
    lost: int = 0
    lost_amount: Decimal = Decimal(0)


@dataclass(frozen=True)
class Recap:
    team_name: str
    period: analytics.Period
    tz: str
    totals: analytics.WinLoss
    by_rep: list[RepOutcome]
    deals: list[ClosedDeal]
    reason_names: dict[str, tuple[str, str]]  # key → (en, zh)
    currency: str

    @property
    def untouched(self) -> list[ClosedDeal]:
        return [d for d in self.deals if d.untouched]

    @property
    def price_losses(self) -> list[ClosedDeal]:
        return [d for d in self.deals if d.lost_on_price]


THROUGH = "through:"


def recap_period(now: datetime, previous_through: datetime | None = None) -> analytics.Period:
    """From the end of the last recap sent (its watermark) up to `now`, so consecutive recaps
    report every close exactly once whatever the gap between them (a holiday moves the recap
    to Thursday: the next one covers eight days). The first recap of a team covers the
    `RECAP_DAYS` days up to `now`."""
    start = previous_through if previous_through is not None else now - timedelta(days=RECAP_DAYS)
    return analytics.Period(min(start, now), now)


def through_item(period: analytics.Period) -> str:
    """The watermark recorded with the recap's parent in the delivery ledger."""
    return THROUGH + period.end.isoformat()


def parse_through(items: list[object] | None) -> datetime | None:
    """The watermark in a recap parent's ledger items, if any."""
    for item in items or []:
        text = str(item)
        if text.startswith(THROUGH):
            return datetime.fromisoformat(text[len(THROUGH) :])
    return None


def build_recap(
    session: Session,
    team_id: str,
    team_name: str,
    reps: list[Person],
    period: analytics.Period,
    tz: str,
    config: WorkspaceConfig,
) -> Recap:
    ids = [p.id for p in reps]
    names = {p.id: display_name(p) for p in reps}
    totals = analytics.win_loss(session, team_id, ids, period)
    stages = {s.key: s for s in analytics.load_stages(session, team_id, include_retired=True)}
    reason_order = [r.key for r in (*config.loss_reasons, *config.win_reasons)]
    reason_names = {r.key: (r.en, r.zh) for r in (*config.loss_reasons, *config.win_reasons)}

    deal_rows = (
        session.execute(
            select(Deal, Account.name)
            .join(Account, Account.id == Deal.account_id)
            .where(
                Deal.team_id == team_id,
                Deal.owner_id.in_(ids),
                Deal.status.in_(("won", "lost")),
                Deal.closed_at >= period.start,
                Deal.closed_at < period.end,
            )
        ).all()
        if ids
        else []
    )
    deal_ids = [d.id for d, _ in deal_rows]
    reached: dict[int, analytics.StageInfo] = {}
    began: dict[int, datetime] = {}
    reasons: dict[int, list[str]] = defaultdict(list)
    visits_by_account: dict[int, list[tuple[int, datetime, int | None]]] = defaultdict(list)
    contacts_by_visit: dict[int, list[str]] = defaultdict(list)
    if deal_ids:
        for deal_id, to_stage, changed_at in session.execute(
            select(StageChange.deal_id, StageChange.to_stage, StageChange.changed_at).where(
                StageChange.team_id == team_id, StageChange.deal_id.in_(deal_ids)
            )
        ):
            began[deal_id] = min(began.get(deal_id, changed_at), changed_at)
            stage = stages.get(to_stage)
            if stage is not None and (deal_id not in reached or stage.position > reached[deal_id].position):
                reached[deal_id] = stage
        for deal_id, key in session.execute(
            select(DealReason.deal_id, DealReason.reason_key).where(
                DealReason.team_id == team_id, DealReason.deal_id.in_(deal_ids)
            )
        ):
            reasons[deal_id].append(key)
        earliest = min(
            min(began.get(d.id, d.created_at), d.created_at, d.closed_at - timedelta(days=UNTOUCHED_DAYS))  # type: ignore[operator]
            for d, _ in deal_rows
        )
        account_ids = sorted({d.account_id for d, _ in deal_rows})
        # Ids read from this workspace's deals: no team filter, so both planners go through the
        # (account_id, occurred_at) index rather than the workspace's visits by date.
        visit_rows = session.execute(
            select(Visit.id, Visit.account_id, Visit.occurred_at, Visit.deal_id).where(
                Visit.account_id.in_(account_ids),
                Visit.occurred_at >= earliest,
                Visit.occurred_at < period.end,
            )
        ).all()
        for visit_id, account_id, occurred_at, visit_deal_id in visit_rows:
            visits_by_account[account_id].append((visit_id, occurred_at, visit_deal_id))
        visit_ids = [v for v, _, _, _ in visit_rows]
        if visit_ids:
            for visit_id, contact_name in session.execute(
                select(VisitContact.visit_id, Contact.name)
                .join(Contact, Contact.id == VisitContact.contact_id)
                .where(VisitContact.visit_id.in_(visit_ids))
            ):
                contacts_by_visit[visit_id].append(contact_name)

    deals: list[ClosedDeal] = []
    for deal, account_name in deal_rows:
        assert deal.closed_at is not None
        start = began.get(deal.id, deal.created_at)
        # The deal's visits: those logged against it, and those to its account during its life
        # that were logged against no other deal.
        during = [
            (v, at)
            for v, at, linked in visits_by_account[deal.account_id]
            if start <= at <= deal.closed_at and linked in (None, deal.id)
        ]
        before_close = [at for _, at, _ in visits_by_account[deal.account_id] if at <= deal.closed_at]
        contacts = sorted({name for v, _ in during for name in contacts_by_visit[v]})
        order = {key: i for i, key in enumerate(reason_order)}
        deals.append(
            ClosedDeal(
                deal_id=deal.id,
                title=deal.title,
                account_name=account_name,
                owner_id=deal.owner_id,
                owner_name=names.get(deal.owner_id or 0, ""),
                status=deal.status,
                amount=deal.amount,
                currency=deal.currency,
                closed_at=deal.closed_at,
                stage_reached=reached.get(deal.id),
                days_in_pipeline=max((deal.closed_at - start).days, 0),
                visits=len(during),
                contacts=contacts,
                reasons=sorted(reasons[deal.id], key=lambda k: (order.get(k, len(order)), k)),
                lesson=deal.lesson,
                last_visit_at=max(before_close) if before_close else None,
            )
        )
    deals.sort(key=lambda d: (d.status != "won", names.get(d.owner_id or 0, ""), -(d.amount or 0), d.deal_id))

    by_rep: list[RepOutcome] = []
    for person in reps:
        mine = [d for d in deals if d.owner_id == person.id]
        if not mine:
            continue
        won = [d for d in mine if d.status == "won"]
        lost = [d for d in mine if d.status == "lost"]
        by_rep.append(
            RepOutcome(
                person.id,
                names[person.id],
                len(won),
                sum((d.amount or Decimal(0) for d in won), Decimal(0)),
                len(lost),
                sum((d.amount or Decimal(0) for d in lost), Decimal(0)),
            )
        )
    return Recap(
        team_name=team_name,
        period=period,
        tz=tz,
        totals=totals,
        by_rep=by_rep,
        deals=deals,
        reason_names=reason_names,
        currency=config.default_currency,
    )
