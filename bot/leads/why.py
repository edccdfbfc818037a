"""`/coach why` for leads: each open lead of yours, when its first contact is due and why then
(the limit in working hours of your time zone), and whether the reminder and the manager's
notice went out (read from the `lead-clock` job's delivery ledger)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.actor import Actor
from bot.core.i18n import t
from bot.leads.render import when
from bot.people.members import workspace_config
from bot.ui import blocks as bk
from storage.models import Account, Delivery, Lead, Person

LEAD_CLOCK = "lead-clock"
SHOWN = 10


def lead_lines(session: Session, actor: Actor, at: datetime) -> list[str]:
    """Lines for `/coach why` (none when the actor has no lead waiting for a first contact)."""
    rows = session.execute(
        select(Lead, Account.name)
        .join(Account, Account.id == Lead.account_id)
        .where(Lead.team_id == actor.team_id, Lead.assignee_id == actor.person_id, Lead.status == "open")
        .order_by(Lead.due_at, Lead.id)
        .limit(SHOWN)
    ).all()
    if not rows:
        return []
    config = workspace_config(session, actor.team_id)
    person = session.get(Person, actor.person_id)
    tz = person.tz if person else actor.tz
    sent = set(
        session.scalars(
            select(Delivery.dedupe_key).where(
                Delivery.team_id == actor.team_id,
                Delivery.job == LEAD_CLOCK,
                Delivery.status == "sent",
                Delivery.claimed_at >= at - timedelta(days=30),
            )
        )
    )
    lines = [t(actor.lang, "why.leads")]
    for lead, account in rows:
        state = t(actor.lang, "why.lead.nudged" if f"due:{lead.id}" in sent else "why.lead.waiting")
        lines.append(
            t(
                actor.lang,
                "why.lead.line",
                account=bk.escape(account),
                received=when(actor.lang, lead.received_at, tz),
                due=when(actor.lang, lead.due_at, tz),
                hours=f"{config.follow_up.new_lead_hours:g}",
                start=config.leads.work_start,
                end=config.leads.work_end,
                tz=tz,
                state=state,
            )
        )
    return lines
