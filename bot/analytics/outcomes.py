"""Wins and losses over a period, by reason (the recap's "why we won, why we lost")."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.analytics.common import Period
from storage.queries import funnel as q


@dataclass(frozen=True, slots=True)
class ReasonTotal:
    """Deals closed with one reason from the taxonomy (`bot.core.config` loss/win reasons)."""

    reason_key: str
    deals: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class WinLoss:
    """Deals won and lost during `period` (by close date), with their reasons.

    A deal with several reasons counts under each of them, so the reasons' counts can add up
    to more than `lost`; a deal closed without a reason counts only in the totals. Reasons are
    ordered by how many deals give them, then by amount.
    """

    period: Period
    won: int
    won_amount: Decimal
    lost: int
    lost_amount: Decimal
    won_reasons: list[ReasonTotal]
    lost_reasons: list[ReasonTotal]


def win_loss(session: Session, team_id: str, person_ids: Collection[int] | None, period: Period) -> WinLoss:
    """Win and loss counts and amounts over `period`, in total and per reason, for the deals
    owned by `person_ids` (None: the whole workspace)."""
    totals = {row.status: row for row in q.closed_rows(session, team_id, person_ids, period.start, period.end)}
    reasons: dict[str, list[ReasonTotal]] = {"won": [], "lost": []}
    for row in q.reason_rows(session, team_id, person_ids, period.start, period.end):
        reasons[row.status].append(ReasonTotal(row.reason_key, row.deals, row.amount))
    for items in reasons.values():
        items.sort(key=lambda r: (-r.deals, -r.amount, r.reason_key))
    won = totals.get("won")
    lost = totals.get("lost")
    return WinLoss(
        period=period,
        won=won.deals if won else 0,
        won_amount=won.amount if won else Decimal(0),
        lost=lost.deals if lost else 0,
        lost_amount=lost.amount if lost else Decimal(0),
        won_reasons=reasons["won"],
        lost_reasons=reasons["lost"],
    )
