"""`/coach calendar [ADDRESS | off]` (日历): connect, show or disconnect the rep's private ICS
calendar (bot/calendar). The address is a secret: failures here never echo the command back."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.calendar import ops, render
from bot.core.actor import Actor
from handlers._support import send_ephemeral, services, user_errors
from handlers.commands.coach import subcommand

OFF_WORDS = ("off", "disconnect", "remove", "关闭", "断开", "取消")


@subcommand("calendar", "cal", "日历")
def coach_calendar(
    context: dict[str, Any], client: WebClient, body: dict[str, Any], actor: Actor, rest: str, respond: Respond
) -> None:
    svc = services(context)
    now = svc.clock.now()
    word = rest.strip()
    with user_errors(client, body, actor, None, respond):  # never echo the address back
        if not word:
            reply = render.status_reply(actor.lang, ops.calendar_status(svc.db, actor, now), actor.tz)
        elif word.lower() in OFF_WORDS:
            reply = render.off_reply(actor.lang, ops.do_disconnect(svc.db, actor))
        else:
            try:
                connection_id = ops.do_connect(svc.db, svc.settings, actor, word, now)
            except ops.CalendarInputError as exc:
                send_ephemeral(client, body, render.refused_reply(actor.lang, exc.code), respond)
                return
            result = ops.read_calendar(svc.db, svc.settings, connection_id, now)
            status = ops.calendar_status(svc.db, actor, now)
            hint = status.hint if status else ""
            reply = render.connected_reply(actor.lang, hint, status.meetings_found if status else 0, result.error)
        send_ephemeral(client, body, reply, respond)
