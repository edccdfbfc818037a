"""Correcting a deal's record from Slack: `/deal REF rename "NEW TITLE"` and, for managers,
`/deal REF owner @rep` (one deal at a time; whole books move with `/coach handover`).

Recognised before the usual `/deal` grammar so "rename" and "owner" are never read as words
of a deal's title. The deal is resolved like every other `/deal` reference (asked about with
buttons when several match); the operation re-checks access on every click.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.access import access_person_by_slack_id, require_manager
from bot.core.actor import Actor
from bot.core.audit import record_change
from bot.core.text import mentioned_users, normalize
from bot.deals.ops import DealError, DealView, _open_deal, deal_view
from storage.db import Database

MAX_TITLE = 200
_RENAME = re.compile(
    r"^(?P<ref>.+?)\s+(?:rename|rename to|改名为?|重命名为?)\s*[\"“”'‘’](?P<title>.+?)[\"“”'‘’]?\s*$", re.I
)
_OWNER = re.compile(r"^(?P<ref>.+?)\s+(?:owner|owned by|负责人|转给|归属)\s*(?P<who><@[^>]+>)\s*$", re.I)
_DEAL_ID = re.compile(r"^#(\d+)$")


@dataclass(frozen=True)
class RecordCommand:
    op: dict[str, Any]  # the operation a pick button carries: {"a": "rename", "t": …} / {"a": "owner", "u": …}
    ref: str
    deal_id: int | None


def parse_record_command(text: str) -> RecordCommand | None:
    """A rename or an owner change, or None (the line is some other `/deal`)."""
    text = (text or "").replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&").strip()
    found = _RENAME.match(text)
    if found:
        title = " ".join(found["title"].split())[:MAX_TITLE]
        op: dict[str, Any] = {"a": "rename", "t": title}
    else:
        found = _OWNER.match(text)
        users = mentioned_users(found["who"]) if found else []
        if not found or not users:
            return None
        op = {"a": "owner", "u": users[0]}
    ref = found["ref"].strip()
    by_id = _DEAL_ID.match(ref)
    return RecordCommand(op=op, ref=ref, deal_id=int(by_id.group(1)) if by_id else None)


def do_rename_deal(db: Database, actor: Actor, deal_id: object, title: str, now: datetime) -> tuple[str, DealView]:
    """Rename an open deal the actor may change; returns (the old title, the deal)."""
    title = " ".join(str(title).split())[:MAX_TITLE]
    if not normalize(title):
        raise DealError("deal.rename.empty")
    with db.transaction() as session:
        deal = _open_deal(session, actor, deal_id)
        old = deal.title
        deal.title, deal.title_norm = title, normalize(title)
        session.flush()
        record_change(session, actor, "deal", deal.id, "edit", {"title": old}, {"title": title}, now)
        return old, deal_view(session, deal)


def do_change_deal_owner(
    db: Database, actor: Actor, deal_id: object, user_id: str, now: datetime
) -> tuple[str, DealView]:
    """Give one open deal to another rep of the manager's team; returns (new owner's name, deal)."""
    require_manager(actor)
    with db.transaction() as session:
        deal = _open_deal(session, actor, deal_id)
        person = access_person_by_slack_id(session, actor, user_id)
        before = {"owner_id": deal.owner_id}
        deal.owner_id = person.id
        session.flush()
        record_change(session, actor, "deal", deal.id, "edit", before, {"owner_id": person.id}, now)
        return person.name, deal_view(session, deal)
