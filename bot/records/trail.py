"""A record's audit trail shown in Slack: who changed what, when, before → after.

One renderer for visits, contacts and accounts, reached three ways that each read naturally
where the record is already named: a "History" button on every visit of `/visit list` (a visit
has no name to type), `/contact NAME history` (历史) and `/account NAME history` (历史). The
record is always fetched through an `access_*` helper, so only those who may see it see its
trail; newest changes first, a page at a time, with an "Older" button.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from bot.core.access import NotFound, access_account, access_contact, access_visit
from bot.core.actor import Actor
from bot.core.audit import HISTORY_ACTION, Change, changes_of
from bot.core.i18n import Lang, t
from bot.ui import blocks as bk
from bot.ui.reply import Reply
from bot.visits.render import when as when_text
from storage.db import Database
from storage.models import Account, Contact, Visit

PAGE = 10
SHOW_ACTION = HISTORY_ACTION
MORE_ACTION = "record_history_more"
MAX_VALUE = 120  # characters of one before/after value shown; the rest says "…"
_ACCESS: dict[str, Callable[[Session, Actor, Any], Account | Contact | Visit]] = {
    "visit": access_visit,
    "contact": access_contact,
    "account": access_account,
}


def _value(lang: Lang, value: Any) -> str:
    if value is None or value == "" or value == []:
        return t(lang, "trail.empty")
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    text = " ".join(text.split())
    return bk.escape(text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1].rsplit(" ", 1)[0] + "…")


def change_lines(lang: Lang, change: Change) -> list[str]:
    """One line per changed field; a deletion or merge is one line of what the record held."""
    after = change.after or {}
    if change.after is None or change.action != "edit":
        return [f"`{bk.escape(k)}`: {_value(lang, v)}" for k, v in change.before.items()][:8]
    return [
        f"`{bk.escape(k)}`: {_value(lang, change.before.get(k))} → {_value(lang, after.get(k))}"
        for k in {**change.before, **after}
    ]


def trail_page(session: Session, actor: Actor, kind: str, object_id: object, offset: int) -> Reply:
    """A page of the trail of a record the actor may see (anything else: not found)."""
    access = _ACCESS.get(kind)
    if access is None:
        raise NotFound()
    record = access(session, actor, object_id)
    record_id = record.id
    lang: Lang = actor.lang
    name = getattr(record, "name", None) or t(lang, "trail.visit", id=record_id)
    changes = list(reversed(changes_of(session, actor.team_id, kind, record_id)))
    offset = max(0, min(offset, max(len(changes) - 1, 0)))
    shown = changes[offset : offset + PAGE]
    if not shown:
        title = t(lang, "trail.none", name=bk.escape(name))
        return Reply(title, [bk.section(title)])
    title = t(lang, "trail.title", name=bk.escape(name), first=offset + 1, last=offset + len(shown), total=len(changes))
    blocks: list[bk.Block] = [bk.section(f"*{title}*")]
    for change in shown:
        head = t(
            lang,
            "trail.entry",
            who=bk.escape(change.who),
            when=when_text(lang, change.at, actor.tz),
            action=t(lang, f"trail.action.{change.action}") if change.action in _ACTIONS else change.action,
        )
        if change.reason:
            head += " · " + t(lang, "trail.reason", reason=bk.escape(change.reason))
        blocks += bk.pack_lines(
            [f"*{head}*", *change_lines(lang, change)], max_blocks=1, more=lambda n: t(lang, "common.more", count=n)
        )
    if offset + PAGE < len(changes):
        value = f"{kind}:{record_id}:{offset + PAGE}"
        more = len(changes) - offset - PAGE
        blocks.append(bk.actions(bk.button(t(lang, "trail.older", count=more), MORE_ACTION, value)))
    return Reply(title, blocks)


_ACTIONS = ("edit", "delete", "merge_in", "merged")


def trail_reply(db: Database, actor: Actor, value: str) -> Reply:
    """A button's value `kind:id[:offset]` → that page (a forged value finds nothing)."""
    kind, _, rest = (value or "").partition(":")
    object_id, _, offset = rest.partition(":")
    with db.transaction() as session:
        return trail_page(session, actor, kind, object_id, int(offset) if offset.isdigit() else 0)
