"""What the follow-up buttons of the scheduler's DMs need from the database, each read in one
transaction: the message's follow-ups redrawn after a click, and the visit form a follow-up
prefills."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.access import access_follow_up
from bot.core.actor import Actor
from bot.followups.nudges import follow_up_blocks, nudge_ids
from bot.followups.rules import items_by_id
from bot.ui import blockkit as limits
from bot.visits.modal import FormState
from storage.db import Database
from storage.models import Account, Contact


def redrawn_follow_ups(
    db: Database, actor: Actor, original: list[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """`original` (a DM's blocks) with its follow-up blocks replaced by their current state, so
    what was handled shows as such."""
    with db.transaction() as session:
        items = items_by_id(session, actor, nudge_ids(original))
    fresh = follow_up_blocks(actor.lang, items, actor.tz, now)
    blocks: list[dict[str, Any]] = []
    placed = False
    for block in original:
        if str(block.get("block_id") or "").startswith(("fu_", "fudone_")):
            if not placed:
                blocks += fresh
                placed = True
            continue
        blocks.append(block)
    return blocks[: limits.MAX_MESSAGE_BLOCKS]


def visit_form_for(db: Database, actor: Actor, follow_up_id: object) -> FormState:
    """The visit form prefilled with the follow-up's account, contact and what is owed."""
    with db.transaction() as session:
        follow_up = access_follow_up(session, actor, follow_up_id)
        account = session.get(Account, follow_up.account_id) if follow_up.account_id else None
        contact = session.get(Contact, follow_up.contact_id) if follow_up.contact_id else None
        return FormState(
            account=(f"a:{account.id}", account.name) if account else None,
            contacts=[(contact.id, contact.name)] if contact else [],
            purpose=follow_up.text if follow_up.kind in ("next_step", "manual") else "",
        )
