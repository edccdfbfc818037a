"""`/coach why` as a reply: the report of `bot.people.notify` read in one transaction and laid
out in sections cut between lines (`bot.ui.split`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from bot.core.actor import Actor
from bot.people.notify import explain, render_why
from bot.ui import blockkit as limits
from bot.ui import blocks as bk
from bot.ui.reply import Reply
from bot.ui.split import split_lines
from storage.db import Database

SECTION_ROOM = limits.MAX_SECTION_TEXT - 100


ExtraLines = Callable[[Session, Actor, datetime], list[str]]


def why_reply(db: Database, actor: Actor, now: datetime, *extra: ExtraLines) -> Reply:
    """What the scheduler sent the actor, what it held back, and why; `extra` adds the lines of
    areas built on this one (waiting leads), read in the same transaction."""
    with db.transaction() as session:
        headline, lines = render_why(actor.lang, explain(session, actor, now))
        for more in extra:
            lines += more(session, actor, now)
    text = "\n".join(lines)
    blocks = [bk.header(headline), *(bk.section(piece) for piece in split_lines(text, SECTION_ROOM))]
    return Reply(f"{headline}\n{text}", blocks[: limits.MAX_MESSAGE_BLOCKS])
