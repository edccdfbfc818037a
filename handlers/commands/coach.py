"""`/coach`: administration, dispatched by its first word to per-feature subcommands.

Feature modules add words with `@subcommand("word")`; this module owns only the dispatch,
`help` and `role`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.core.i18n import t
from bot.core.text import mentioned_users
from bot.people import admin
from bot.ui import blocks as bk
from bot.ui.reply import Reply
from handlers._support import actor_or_apology, send_ephemeral, services, user_errors

Subcommand = Callable[[dict[str, Any], WebClient, dict[str, Any], Actor, str, Respond], None]
SUBCOMMANDS: dict[str, Subcommand] = {}


def subcommand(*words: str) -> Callable[[Subcommand], Subcommand]:
    def decorate(fn: Subcommand) -> Subcommand:
        for word in words:
            SUBCOMMANDS[word] = fn
        return fn

    return decorate


def handle_coach(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    text = (body.get("text") or "").strip()
    actor = actor_or_apology(context, client, body, text, respond)
    if actor is None:  # the database is unreachable: the user got an apology with their text
        return
    word, _, rest = text.partition(" ")
    with user_errors(client, body, actor, text, respond):
        handler = SUBCOMMANDS.get(word.lower() or "help")
        if handler is None:
            send_ephemeral(client, body, Reply(t(actor.lang, "coach.unknown", word=bk.escape(word[:40]))), respond)
            return
        handler(context, client, body, actor, rest.strip(), respond)


@subcommand("help", "帮助")
def coach_help(
    context: dict[str, Any], client: WebClient, body: dict[str, Any], actor: Actor, rest: str, respond: Respond
) -> None:
    send_ephemeral(client, body, Reply(t(actor.lang, "coach.help")), respond)


@subcommand("role", "角色")
def coach_role(
    context: dict[str, Any], client: WebClient, body: dict[str, Any], actor: Actor, rest: str, respond: Respond
) -> None:
    users = mentioned_users(rest)
    words = [w for w in rest.split() if not w.startswith("<@")]
    role = words[0].lower() if words else ""
    if len(users) != 1 or role not in ("rep", "manager", "admin"):
        send_ephemeral(client, body, Reply(t(actor.lang, "coach.role.usage")), respond)
        return
    svc = services(context)
    admin.do_set_role(svc.db, actor, users[0], role, svc.clock.now())
    named = t(actor.lang, f"coach.role.name.{role}")
    send_ephemeral(client, body, Reply(t(actor.lang, "coach.role.done", user=users[0], role=named)), respond)


def register(app: App) -> None:
    app.command("/coach")(handle_coach)
