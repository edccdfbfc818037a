"""Lead messages as Block Kit: the `/lead` answer, the assignee's DM with its buttons, the
rep's nudge when the first contact falls due, and the manager's notice when it was missed.

Action ids (handlers/actions/lead.py): `lead_contacted`, `lead_not_fit` (value: the lead id)
and `lead_reassign` (a users_select in the block `lead_<id>`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.clock import zone
from bot.core.i18n import Lang, format_when, t
from bot.leads.ops import LeadOutcome
from bot.ui import blocks as bk
from bot.ui.reply import Reply
from storage.models import Lead

Block = dict[str, Any]


def when(lang: Lang, instant: datetime, tz: str) -> str:
    return format_when(lang, instant.astimezone(zone(tz)))


def _hours(hours: float) -> str:
    return f"{hours:g}"


def render_created(lang: Lang, tz: str, outcome: LeadOutcome, person: str) -> Reply:
    """The ephemeral answer to `/lead`: where the lead went and when its first contact is due."""
    if outcome.duplicate:
        return Reply(t(lang, "lead.duplicate", id=outcome.lead_id))
    assignee = f"<@{outcome.assignee_user}>" if outcome.assignee_user else t(lang, "lead.unassigned")
    key = "lead.created.existing" if outcome.existing_account else "lead.created"
    text = t(
        lang,
        key,
        account=bk.escape(outcome.account_name),
        person=bk.escape(person),
        assignee=assignee,
        due=when(lang, outcome.due_at, tz),
    )
    return Reply(text, [bk.section(text)])


def _contact_bits(lead: Lead) -> str:
    bits = [b for b in (lead.phone, lead.email) if b]
    return (" · " + " · ".join(bk.escape(b) for b in bits)) if bits else ""


def lead_card(lang: Lang, lead: Lead, account: str, tz: str, hours: float) -> tuple[str, list[Block]]:
    """The assignee's DM: the lead and its three buttons."""
    note = t(lang, "lead.dm.note", note=bk.escape(bk.clip(lead.note, 1500))) if lead.note else ""
    body = t(
        lang,
        "lead.dm.body",
        account=bk.escape(account),
        person=bk.escape(lead.person_name),
        contact=_contact_bits(lead),
        source=bk.escape(lead.source) if lead.source else t(lang, "lead.dm.no_source"),
        note=note,
        due=when(lang, lead.due_at, tz),
        hours=_hours(hours),
    )
    text = t(lang, "lead.dm.title", account=account)
    blocks = [bk.header(t(lang, "lead.dm.header")), bk.section(body, block_id=f"leadinfo_{lead.id}")]
    blocks.append(lead_controls(lang, lead.id))
    return text, blocks


def lead_controls(lang: Lang, lead_id: int) -> Block:
    reassign = {
        "type": "users_select",
        "action_id": "lead_reassign",
        "placeholder": bk.plain(t(lang, "lead.dm.reassign"), 150),
    }
    return bk.actions(
        bk.button(t(lang, "lead.dm.contacted"), "lead_contacted", str(lead_id), style="primary"),
        bk.button(t(lang, "lead.dm.not_fit"), "lead_not_fit", str(lead_id)),
        reassign,
        block_id=f"lead_{lead_id}",
    )


def after_click(lang: Lang, blocks: list[Block], lead_id: int, state: str) -> list[Block]:
    """The DM redrawn after a button: the buttons give way to what happened."""
    out = [b for b in blocks if b.get("block_id") != f"lead_{lead_id}"]
    out.append(bk.context(state))
    return out


def due_nudge(lang: Lang, lead: Lead, account: str, tz: str, hours: float) -> tuple[str, list[Block]]:
    text = t(lang, "lead.due.title", account=account)
    body = t(
        lang,
        "lead.due.body",
        account=bk.escape(account),
        person=bk.escape(lead.person_name),
        contact=_contact_bits(lead),
        received=when(lang, lead.received_at, tz),
        hours=_hours(hours),
    )
    return text, [bk.header(bk.clip(text, 150)), bk.section(body), lead_controls(lang, lead.id)]


def missed_notice(
    lang: Lang, lead: Lead, account: str, rep_user: str, tz: str, hours: float
) -> tuple[str, list[Block]]:
    rep = f"<@{rep_user}>"
    text = t(lang, "lead.missed.title", rep=rep, account=account)
    body = t(
        lang,
        "lead.missed.body",
        account=bk.escape(account),
        person=bk.escape(lead.person_name),
        rep=rep,
        received=when(lang, lead.received_at, tz),
        due=when(lang, lead.due_at, tz),
        hours=_hours(hours),
    )
    return text, [bk.section(body)]
