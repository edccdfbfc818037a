"""`lead-clock`: speed to lead. Every minute, for each workspace:

- a new lead's assignee gets its DM (the lead and Log first contact / Not a fit / Reassign),
  once per lead and assignee (a reassigned lead reaches its new assignee too), at once within
  their allowed hours on a working day, else when their next day starts;
- when a lead's first contact falls due (bot/leads/clock.py: the team's limit in working hours)
  and nobody has contacted it, the assignee is nudged once;
- at the same moment the assignee's manager is told once that it was missed;
- once a lead has had enough contacts to be judged (3), its assignee is asked once to qualify
  it (open a deal) or drop it (bot/leads/judge.py).

All three go through the sender's delivery ledger under this job's name, with the dedupe keys
`new:<lead>:<person>`, `due:<lead>`, `missed:<lead>` and `judge:<lead>`: each is sent at most once, and a crash
between posting and recording is settled by the sender. A lead contacted (a visit, the button)
or dropped before its time is never nudged. Leads whose time passed more than `CATCH_UP` ago
are not nudged late (the daily follow-up nudge still lists an uncontacted lead).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from bot.core.clock import zone
from bot.core.config import WorkspaceConfig
from bot.core.i18n import lang_for, t
from bot.leads.judge import judge_card, to_judge
from bot.leads.render import due_nudge, lead_card, missed_notice
from bot.leads.why import LEAD_CLOCK
from bot.people.members import workspace_config
from bot.people.notify import quiet_hours
from scheduler.jobs._common import workspaces
from scheduler.registry import JobContext, job
from scheduler.sender import Message, Send
from storage.models import Account, Delivery, Lead, Person

CATCH_UP = timedelta(days=2)
NEW_WINDOW = timedelta(days=7)  # a lead's first DM waits at most this long for the assignee's hours


def awake(person: Person, at: datetime, config: WorkspaceConfig) -> bool:
    """Within the person's allowed hours on a working day: a lead posted by a form at 3 a.m.
    reaches its assignee when their day starts, not in the night."""
    local = at.astimezone(zone(person.tz))
    if local.weekday() not in config.schedule.working_days:
        return False
    start, end = quiet_hours(person, config.schedule)
    return start <= local.strftime("%H:%M") < end


def _sent_keys(session: Session, team_id: str, at: datetime) -> set[str]:
    """Dedupe keys this job already used lately (claimed, sent or failed for good)."""
    return set(
        session.scalars(
            select(Delivery.dedupe_key).where(
                Delivery.team_id == team_id,
                Delivery.job == LEAD_CLOCK,
                Delivery.claimed_at >= at - NEW_WINDOW - timedelta(days=1),
                Delivery.status.in_(("sent", "held")),
            )
        )
    )


def plan(session: Session, team_id: str, at: datetime) -> list[Send]:
    """The lead messages due in one workspace now (rendered, not sent)."""
    config = workspace_config(session, team_id)
    hours = config.follow_up.new_lead_hours
    done = _sent_keys(session, team_id, at)
    rep = aliased(Person)
    manager = aliased(Person)
    rows = session.execute(
        select(Lead, Account.name, rep, manager)
        .join(Account, Account.id == Lead.account_id)
        .join(rep, rep.id == Lead.assignee_id)
        .outerjoin(manager, manager.id == rep.manager_id)
        .where(
            Lead.team_id == team_id,
            Lead.status == "open",
            Lead.received_at <= at,
            Lead.received_at >= at - CATCH_UP - timedelta(days=30),
        )
        .order_by(Lead.id)
    )
    sends: list[Send] = []
    for lead, account, person, boss in rows:
        lang = lang_for(person.locale, person.lang)
        new_key = f"new:{lead.id}:{person.id}"
        if new_key not in done and lead.received_at >= at - NEW_WINDOW and awake(person, at, config):
            text, blocks = lead_card(lang, lead, account, person.tz, hours)
            summary = t(lang, "lead.dm.summary", account=account)
            sends.append(_send(team_id, person, new_key, text, blocks, summary, lead.id))
        if lead.due_at > at or lead.due_at < at - CATCH_UP:
            continue
        if f"due:{lead.id}" not in done:
            text, blocks = due_nudge(lang, lead, account, person.tz, hours)
            summary = t(lang, "lead.due.summary", account=account)
            sends.append(_send(team_id, person, f"due:{lead.id}", text, blocks, summary, lead.id))
        if boss is not None and boss.is_active and f"missed:{lead.id}" not in done:
            boss_lang = lang_for(boss.locale, boss.lang)
            text, blocks = missed_notice(boss_lang, lead, account, person.slack_user_id, boss.tz, hours)
            summary = t(boss_lang, "lead.missed.summary", account=account)
            sends.append(_send(team_id, boss, f"missed:{lead.id}", text, blocks, summary, lead.id))
    for lead, account, contacts in to_judge(session, team_id, at):
        key = f"judge:{lead.id}"
        assignee = session.get(Person, lead.assignee_id)
        if key in done or assignee is None or not assignee.is_active:
            continue
        lang = lang_for(assignee.locale, assignee.lang)
        text, blocks = judge_card(lang, lead, account, contacts)
        sends.append(_send(team_id, assignee, key, text, blocks, text, lead.id))
    return sends


def _send(team_id: str, person: Person, key: str, text: str, blocks: list[dict], summary: str, lead_id: int) -> Send:
    return Send(
        team_id=team_id,
        recipient=person.slack_user_id,
        dedupe_key=key,
        message=Message(text=text, blocks=blocks),
        job=LEAD_CLOCK,
        channel=person.dm_channel_id,
        summary=summary,
        items=[f"lead:{lead_id}"],
    )


@job(LEAD_CLOCK, minutes=1, description="new leads to their assignee at once; first contact due and missed, once")
def sweep(ctx: JobContext) -> int:
    sends: list[Send] = []
    for team_id in workspaces(ctx.services):
        with ctx.services.db.transaction() as session:
            sends += plan(session, team_id, ctx.at)
    ctx.sender.deliver_all(sends)
    return int(ctx.sender.sent)
