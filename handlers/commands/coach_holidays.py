"""`/coach holidays …` (节假日): the workspace's days off (admins change them)."""

from __future__ import annotations

from bot.settings.holiday_command import holidays_command
from handlers.commands.coach import subcommand
from handlers.listener import Request


@subcommand("holidays", "holiday", "节假日", "假日")
def coach_holidays(req: Request, rest: str) -> None:
    req.reply(holidays_command(req.svc.db, req.actor, rest, req.now))
