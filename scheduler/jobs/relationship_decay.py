"""`relationship-decay`: contacts whose last face-to-face meeting crossed a rung of their ladder.

From each contact's meeting cadence on (key contacts in open deals: 30 days, others: 90), then
180 and 365 by default, per role (bot/accounts/cadence.py). The message counts the owner's cooling
relationships with `cooling_counts`, the number the App Home shows.
Each crossing is reported to the account owner once, in one DM per owner per day, each
contact with a "Plan a visit" button; the crossing is recorded when the message is known to
be in Slack (`after_sent`), so a held or failed message reports it again later.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.accounts.cadence import DecayWarning, cooling_counts, mark_decay_reported, pending_decay
from bot.core.i18n import t
from bot.followups.nudges import decay_warning
from bot.people.members import workspace_config
from bot.people.notify import RELATIONSHIP_DECAY, due_people
from scheduler.jobs._common import Planned, deliver_planned
from scheduler.ledger import after_sent
from scheduler.registry import JobContext, job
from storage.models import Delivery


@after_sent(RELATIONSHIP_DECAY)
def _reported(session: Session, delivery: Delivery) -> None:
    mark_decay_reported(session, delivery.items or [])


def plan(session: Session, team_id: str, at: datetime) -> list[Planned]:
    config = workspace_config(session, team_id)
    due = due_people(session, team_id, RELATIONSHIP_DECAY, at, config=config)
    owners = [d.person_id for d in due]
    totals, warnings = pending_decay(session, team_id, at, config.cadence, owners)
    cooling = cooling_counts(session, team_id, owners, at, config.cadence) if warnings else {}
    by_owner: dict[int, list[DecayWarning]] = {}
    for w in warnings:
        by_owner.setdefault(w.owner_id, []).append(w)
    planned = []
    for d in due:
        mine = by_owner.get(d.person_id)
        if not mine:
            continue
        mine.sort(key=lambda w: (not w.key, -w.rung, -w.days_since))
        pending = max(totals.get(d.person_id, 0), len(mine))
        count = max(cooling.get(d.person_id, 0), pending)
        text, blocks = decay_warning(d.lang, d.local_date, mine, pending, cooling=count)
        summary = t(d.lang, "decay.summary", count=count)
        planned.append(Planned(d, text, blocks, summary, [w.item for w in mine]))
    return planned


@job(RELATIONSHIP_DECAY, minutes=15, description="relationships past their meeting cadence (30/90/180/365 days)")
def sweep(ctx: JobContext) -> int:
    return deliver_planned(ctx, plan)
