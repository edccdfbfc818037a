"""`/coach export visits|deals [since DATE]`: a CSV file, sent to the manager's DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.csv_io.slack_export import export_command
from bot.ui.reply import Reply
from handlers._support import send_ephemeral, services
from handlers.commands.coach import subcommand


@subcommand("export", "导出")
def coach_export(
    context: dict[str, Any], client: WebClient, body: dict[str, Any], actor: Actor, rest: str, respond: Respond
) -> None:
    svc = services(context)
    result = export_command(svc.db, actor, rest, svc.clock.now())
    if isinstance(result, Reply):
        send_ephemeral(client, body, result, respond)
        return
    # Team data goes to the requester's DM, never to the channel the command was typed in.
    channel = client.conversations_open(users=actor.user_id)["channel"]["id"]
    client.files_upload_v2(
        channel=channel,
        content=result.content,
        filename=result.filename,
        title=result.title,
        initial_comment=result.comment,
    )
    send_ephemeral(client, body, Reply(result.comment), respond)
