"""`/coach holidays …` (节假日): the workspace's days off (admins change them)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.settings.holiday_command import holidays_command
from handlers._support import send_ephemeral, services
from handlers.commands.coach import subcommand


@subcommand("holidays", "holiday", "节假日", "假日")
def coach_holidays(
    context: dict[str, Any], client: WebClient, body: dict[str, Any], actor: Actor, rest: str, respond: Respond
) -> None:
    svc = services(context)
    send_ephemeral(client, body, holidays_command(svc.db, actor, rest, svc.clock.now()), respond)
