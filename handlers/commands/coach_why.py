"""`/coach why`: what the scheduler sent you, what it held back, and why (bot/people/why.py),
with the leads waiting for a first contact."""

from __future__ import annotations

from bot.leads.why import lead_lines
from bot.people.why import why_reply
from handlers.commands.coach import subcommand
from handlers.listener import Request


@subcommand("why", "为什么")
def coach_why(req: Request, rest: str) -> None:
    req.reply(why_reply(req.svc.db, req.actor, req.now, lead_lines))
