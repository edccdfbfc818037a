"""`/coach stages …`: the workspace's funnel (everyone may look; admins change it)."""

from __future__ import annotations

from bot.deals.coach import stages_command
from handlers.commands.coach import subcommand
from handlers.commands.deal import show_outcome
from handlers.listener import Request


@subcommand("stages", "阶段")
def coach_stages(req: Request, rest: str) -> None:
    show_outcome(req, stages_command(req.svc.db, req.actor, rest))
