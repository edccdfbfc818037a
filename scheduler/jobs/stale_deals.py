"""`stale-deals`: open deals sitting in a stage past its maximum days (Close: 30), once per deal
and stage, one DM per owner per day with a "Plan the next step" button on each."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.i18n import t
from bot.followups.nudges import StaleDeal, mark_stale_reported, stale_deals, stale_warning
from bot.people.notify import STALE_DEALS, due_people
from scheduler.jobs._common import Planned, deliver_planned
from scheduler.ledger import after_sent
from scheduler.registry import JobContext, job
from storage.models import Delivery


@after_sent(STALE_DEALS)
def _reported(session: Session, delivery: Delivery) -> None:
    mark_stale_reported(session, delivery.items or [])


def plan(session: Session, team_id: str, at: datetime) -> list[Planned]:
    due = due_people(session, team_id, STALE_DEALS, at)
    by_owner: dict[int, list[StaleDeal]] = {}
    for deal in stale_deals(session, team_id, [d.person_id for d in due], at):
        by_owner.setdefault(deal.owner_id, []).append(deal)
    planned = []
    for d in due:
        mine = by_owner.get(d.person_id)
        if not mine:
            continue
        text, blocks = stale_warning(d.lang, d.local_date, mine)
        summary = t(d.lang, "stale.summary", count=len(mine))
        planned.append(Planned(d, text, blocks, summary, [x.item for x in mine]))
    return planned


@job(STALE_DEALS, minutes=15, description="deals past their stage's maximum days, once per deal and stage")
def sweep(ctx: JobContext) -> int:
    return deliver_planned(ctx, plan)
