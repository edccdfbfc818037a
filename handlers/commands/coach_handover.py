"""`/coach handover @from @to`: move a rep's accounts, open deals and follow-ups (asks first)."""

from __future__ import annotations

from bot.deals.coach import handover_command
from handlers.commands.coach import subcommand
from handlers.commands.deal import show_outcome
from handlers.listener import Request


@subcommand("handover", "交接", "转交")
def coach_handover(req: Request, rest: str) -> None:
    show_outcome(req, handover_command(req.svc.db, req.actor, rest, req.now))
