"""`/coach import` (导入): how an admin imports a CSV from Slack (send it to the bot's DM) and
the columns of each kind; the file itself arrives as an event (handlers/events/csv_upload.py)."""

from __future__ import annotations

from bot.core.access import require_admin
from bot.csv_io.slack_import import help_reply
from handlers.commands.coach import subcommand
from handlers.listener import Request


@subcommand("import", "导入")
def coach_import(req: Request, rest: str) -> None:
    require_admin(req.actor)
    req.reply(help_reply(req.lang))
