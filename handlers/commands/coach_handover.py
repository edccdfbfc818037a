"""`/coach handover @from @to`: move a rep's accounts, open deals and follow-ups (asks first)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.deals.coach import handover_command
from handlers._support import services
from handlers.commands.coach import subcommand
from handlers.commands.deal import show_outcome


@subcommand("handover", "交接", "转交")
def coach_handover(
    context: dict[str, Any], client: WebClient, body: dict[str, Any], actor: Actor, rest: str, respond: Respond
) -> None:
    svc = services(context)
    show_outcome(client, body, handover_command(svc.db, actor, rest, svc.clock.now()), respond)
