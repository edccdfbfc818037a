"""`/coach stages …`: the workspace's funnel (everyone may look; admins change it)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.deals.coach import stages_command
from handlers._support import services
from handlers.commands.coach import subcommand
from handlers.commands.deal import show_outcome, with_response_url


@subcommand("stages", "阶段")
def coach_stages(
    context: dict[str, Any], client: WebClient, body: dict[str, Any], actor: Actor, rest: str, respond: Respond
) -> None:
    outcome = stages_command(services(context).db, actor, rest)
    if outcome.modal is not None:
        with_response_url(outcome.modal, body.get("response_url"))
    show_outcome(client, body, outcome, respond)
