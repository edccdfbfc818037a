"""`/coach export visits|deals [since DATE]`: a CSV file, sent to the manager's DM."""

from __future__ import annotations

from bot.csv_io.slack_export import export_command
from bot.ui.reply import Reply
from handlers.commands.coach import subcommand
from handlers.listener import Request


@subcommand("export", "导出")
def coach_export(req: Request, rest: str) -> None:
    actor, svc = req.actor, req.svc
    result = export_command(svc.db, actor, rest, req.now)
    if isinstance(result, Reply):
        req.reply(result)
        return
    # Team data goes to the requester's DM, never to the channel the command was typed in.
    channel = req.client.conversations_open(users=actor.user_id)["channel"]["id"]
    req.client.files_upload_v2(
        channel=channel,
        content=result.content,
        filename=result.filename,
        title=result.title,
        initial_comment=result.comment,
    )
    req.reply(Reply(result.comment))
