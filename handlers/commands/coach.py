"""`/coach`: administration, dispatched by its first word to per-feature subcommands.

Feature modules add words with `@subcommand("word")`; this module owns only the dispatch,
`help` and `role`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.core.i18n import t
from bot.core.text import mentioned_users
from bot.people import admin
from bot.ui import blocks as bk
from bot.ui.reply import Reply
from handlers.listener import Request, command_text, listener

Subcommand = Callable[[Request, str], None]
SUBCOMMANDS: dict[str, Subcommand] = {}
SECRET: set[str] = set()  # words whose text is never echoed back (a private calendar address)


def subcommand(*words: str, secret: bool = False) -> Callable[[Subcommand], Subcommand]:
    def decorate(fn: Subcommand) -> Subcommand:
        for word in words:
            SUBCOMMANDS[word] = fn
            if secret:
                SECRET.add(word)
        return fn

    return decorate


def _typed(body: dict[str, Any]) -> str | None:
    """The text given back on failure, unless its subcommand carries a secret."""
    text = command_text(body)
    return None if text.partition(" ")[0].lower() in SECRET else text


@listener(_typed)
def handle_coach(req: Request) -> None:
    word, _, rest = req.text.partition(" ")
    handler = SUBCOMMANDS.get(word.lower() or "help")
    if handler is None:
        req.reply(Reply(t(req.lang, "coach.unknown", word=bk.escape(word[:40]))))
        return
    handler(req, rest.strip())


@subcommand("help", "帮助")
def coach_help(req: Request, rest: str) -> None:
    req.reply(Reply(t(req.lang, "coach.help")))


@subcommand("role", "角色")
def coach_role(req: Request, rest: str) -> None:
    users = mentioned_users(rest)
    words = [w for w in rest.split() if not w.startswith("<@")]
    role = words[0].lower() if words else ""
    if len(users) != 1 or role not in ("rep", "manager", "admin"):
        req.reply(Reply(t(req.lang, "coach.role.usage")))
        return
    admin.do_set_role(req.svc.db, req.actor, users[0], role, req.now)
    named = t(req.lang, f"coach.role.name.{role}")
    req.reply(Reply(t(req.lang, "coach.role.done", user=users[0], role=named)))


def register(app: App) -> None:
    app.command("/coach")(handle_coach)
