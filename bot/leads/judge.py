"""Judging a lead (DOMAIN.md §5): after `prospect_decide_visits` (3) contacts the rep is asked
to qualify it (open a deal) or drop it; dropping an account contacted
`min_contacts_before_lost` (6) times or fewer needs an explicit override, and the reason is
recorded. *Not a fit* on the lead's first DM is the same drop, with the same rule.

The `lead-clock` job asks once per lead (`judge:<lead>`); *Qualify* opens a deal on the lead's
account (handlers/actions/lead.py, through bot/deals), which links the deal to the lead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.actor import Actor
from bot.core.i18n import Lang, t
from bot.leads.ops import access_lead
from bot.people.members import workspace_config
from bot.ui import blocks as bk
from storage.db import Database
from storage.models import Account, Lead

DROP_CALLBACK = "lead_drop"
JUDGE_WINDOW = timedelta(days=180)  # a prospect is an account taken on in the last six months
DROP_REASONS = ("not_a_fit", "no_need", "no_budget", "unreachable", "competitor", "duplicate", "other")


class NeedsOverride(ValueError):
    """Dropping now goes against the minimum contacts rule: the form must say so on purpose."""

    def __init__(self, contacts: int, minimum: int) -> None:
        super().__init__()
        self.contacts = contacts
        self.minimum = minimum


@dataclass(frozen=True)
class DropContext:
    lead_id: int
    account: str
    contacts: int
    minimum: int

    @property
    def needs_override(self) -> bool:
        return self.contacts <= self.minimum


def drop_context(db: Database, actor: Actor, lead_id: object) -> DropContext:
    """What the drop form needs to know about a lead the actor may act on."""
    with db.transaction() as session:
        lead = access_lead(session, actor, lead_id)
        account = session.get(Account, lead.account_id)
        minimum = workspace_config(session, actor.team_id).follow_up.min_contacts_before_lost
        contacts = int(account.contact_count or 0) if account else 0
        return DropContext(lead.id, account.name if account else lead.company, contacts, minimum)


def drop_form(lang: Lang, ctx: DropContext) -> dict[str, Any]:
    options = [bk.option(t(lang, f"lead.drop.reason.{r}"), r) for r in DROP_REASONS]
    blocks = [
        bk.section(t(lang, "lead.drop.intro", account=bk.escape(ctx.account), contacts=ctx.contacts)),
        bk.input_block("reason", t(lang, "lead.drop.reason"), bk.static_select("value", options)),
        bk.input_block("note", t(lang, "lead.drop.note"), bk.text_input("value", multiline=True), optional=True),
    ]
    if ctx.needs_override:
        box = {
            "type": "checkboxes",
            "action_id": "value",
            "options": [bk.option(t(lang, "lead.drop.override", contacts=ctx.contacts, minimum=ctx.minimum), "yes")],
        }
        blocks.append(bk.input_block("override", t(lang, "lead.drop.override_label"), box, optional=True))
    return bk.modal(
        lang,
        t(lang, "lead.drop.title"),
        blocks,
        callback_id=DROP_CALLBACK,
        submit=t(lang, "lead.drop.submit"),
        private_metadata=json.dumps({"lead": ctx.lead_id, "l": lang, "o": ctx.needs_override}),
    )


def read_drop_form(values: dict[str, Any]) -> tuple[str, str, bool]:
    """(reason, note, override) from a submitted drop form."""
    reason = (((values.get("reason") or {}).get("value") or {}).get("selected_option") or {}).get("value") or ""
    note = str(((values.get("note") or {}).get("value") or {}).get("value") or "")
    ticked = ((values.get("override") or {}).get("value") or {}).get("selected_options") or []
    return str(reason), note.strip(), any(isinstance(o, dict) and o.get("value") == "yes" for o in ticked)


def do_drop_lead(
    db: Database, actor: Actor, lead_id: object, reason: str, note: str, override: bool, now: datetime
) -> Lead:
    """Drop an open lead with a reason; NeedsOverride when the account has had too few contacts
    and the override was not given. An account that came in with the lead (never contacted
    before, no other open lead) is archived with it, which also settles its "decide" follow-up."""
    if reason not in DROP_REASONS:
        raise ValueError(reason)
    with db.transaction() as session:
        lead = access_lead(session, actor, lead_id)
        if lead.status == "dropped" or lead.deal_id is not None:
            return lead
        account = session.get(Account, lead.account_id)
        minimum = workspace_config(session, actor.team_id).follow_up.min_contacts_before_lost
        contacts = int(account.contact_count or 0) if account else 0
        if contacts <= minimum and not override:
            raise NeedsOverride(contacts, minimum)
        lead.status = "dropped"
        text = f"{reason}: {note}" if note else reason
        lead.dropped_reason = (text + (" [override]" if contacts <= minimum else ""))[:200]
        if account is not None and account.is_lead:
            others = session.scalar(
                select(Lead.id).where(Lead.account_id == account.id, Lead.id != lead.id, Lead.status == "open")
            )
            if others is None:
                account.archived_at = now
        return lead


def to_judge(session: Session, team_id: str, at: datetime) -> list[tuple[Lead, str, int]]:
    """Leads with enough contacts to be judged and no deal, not dropped: (lead, account, contacts)."""
    visits = workspace_config(session, team_id).follow_up.prospect_decide_visits
    rows = session.execute(
        select(Lead, Account.name, Account.contact_count)
        .join(Account, Account.id == Lead.account_id)
        .where(
            Lead.team_id == team_id,
            Lead.status != "dropped",
            Lead.deal_id.is_(None),
            Lead.assignee_id.is_not(None),
            Account.contact_count >= visits,
            Account.archived_at.is_(None),
            Lead.received_at <= at,
            Lead.received_at >= at - JUDGE_WINDOW,
        )
        .order_by(Lead.id)
    )
    return [(lead, name, int(count)) for lead, name, count in rows]


def judge_card(lang: Lang, lead: Lead, account: str, contacts: int) -> tuple[str, list[dict[str, Any]]]:
    text = t(lang, "lead.judge.title", account=account)
    body = t(lang, "lead.judge.body", account=bk.escape(account), contacts=contacts)
    buttons = bk.actions(
        bk.button(t(lang, "lead.judge.qualify"), "lead_qualify", str(lead.id), style="primary"),
        bk.button(t(lang, "lead.judge.drop"), "lead_not_fit", str(lead.id)),
        block_id=f"lead_{lead.id}",
    )
    return text, [bk.section(body, block_id=f"leadjudge_{lead.id}"), buttons]


def lead_for_deal(db: Database, actor: Actor, lead_id: object) -> tuple[int, str]:
    """(account id, deal title) to qualify a lead the actor may act on."""
    with db.transaction() as session:
        lead = access_lead(session, actor, lead_id)
        account = session.get(Account, lead.account_id)
        name = account.name if account else lead.company
        return lead.account_id, t(actor.lang, "lead.judge.deal_title", account=name)[:200]
