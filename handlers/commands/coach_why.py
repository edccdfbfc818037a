"""`/coach why`: what the scheduler sent you, what it held back, and why (bot/people/notify.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.leads.why import lead_lines
from bot.people.notify import explain, render_why
from bot.ui import blocks as bk
from bot.ui.reply import Reply
from handlers._support import send_ephemeral, services
from handlers.commands.coach import subcommand


@subcommand("why", "为什么")
def coach_why(
    context: dict[str, Any], client: WebClient, body: dict[str, Any], actor: Actor, rest: str, respond: Respond
) -> None:
    svc = services(context)
    with svc.db.transaction() as session:
        headline, lines = render_why(actor.lang, explain(session, actor, svc.clock.now()))
        lines += lead_lines(session, actor, svc.clock.now())
    text = "\n".join(lines)
    blocks = [bk.header(headline)]
    chunk: list[str] = []
    for line in lines:  # sections hold 3,000 characters: split between lines, never inside one
        if sum(len(c) + 1 for c in chunk) + len(line) > 2900:
            blocks.append(bk.section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(bk.section("\n".join(chunk)))
    send_ephemeral(client, body, Reply(f"{headline}\n{text}", blocks[:50]), respond)
