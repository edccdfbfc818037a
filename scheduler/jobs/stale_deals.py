"""`stale-deals`: open deals sitting in a stage past its maximum days (Close: 30), once per deal
and stage, one DM per owner per day with a "Plan the next step" button on each."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.i18n import t
from bot.notify import STALE_DEALS, due_people
from bot.nudges import StaleDeal, mark_stale_reported, stale_deals, stale_warning
from scheduler.jobs._common import send_or_hold, workspaces
from scheduler.ledger import after_sent
from scheduler.registry import JobContext, job
from scheduler.sender import Send
from storage.models import Delivery


@after_sent(STALE_DEALS)
def _reported(session: Session, delivery: Delivery) -> None:
    mark_stale_reported(session, delivery.items or [])


@job(STALE_DEALS, minutes=15, description="deals past their stage's maximum days, once per deal and stage")
def sweep(ctx: JobContext) -> int:
    sends: list[Send] = []
    for team_id in workspaces(ctx.services):
        with ctx.services.db.transaction() as session:
            due = due_people(session, team_id, STALE_DEALS, ctx.at)
            deals = stale_deals(session, team_id, [d.person_id for d in due], ctx.at)
        by_owner: dict[int, list[StaleDeal]] = {}
        for deal in deals:
            by_owner.setdefault(deal.owner_id, []).append(deal)
        for d in due:
            mine = by_owner.get(d.person_id)
            if not mine:
                continue
            text, blocks = stale_warning(d.lang, d.local_date, mine)
            summary = t(d.lang, "stale.summary", count=len(mine))
            send_or_hold(ctx, sends, team_id, d, text, blocks, summary=summary, items=[x.item for x in mine])
    ctx.sender.deliver_all(sends)
    return ctx.sender.sent
