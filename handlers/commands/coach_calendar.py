"""`/coach calendar [ADDRESS | off]` (日历): connect, show or disconnect the rep's private ICS
calendar (bot/calendar). The address is a secret: failures here never echo the command back."""

from __future__ import annotations

from bot.calendar import ops, render
from handlers.commands.coach import subcommand
from handlers.listener import Request

OFF_WORDS = ("off", "disconnect", "remove", "关闭", "断开", "取消")


@subcommand("calendar", "cal", "日历", secret=True)
def coach_calendar(req: Request, rest: str) -> None:
    actor, svc, now = req.actor, req.svc, req.now
    word = rest.strip()
    if not word:
        reply = render.status_reply(actor.lang, ops.calendar_status(svc.db, actor, now), actor.tz)
    elif word.lower() in OFF_WORDS:
        reply = render.off_reply(actor.lang, ops.do_disconnect(svc.db, actor))
    else:
        try:
            connection_id = ops.do_connect(svc.db, svc.settings, actor, word, now)
        except ops.CalendarInputError as exc:
            req.reply(render.refused_reply(actor.lang, exc.code))
            return
        result = ops.read_calendar(svc.db, svc.settings, connection_id, now)
        status = ops.calendar_status(svc.db, actor, now)
        hint = status.hint if status else ""
        reply = render.connected_reply(actor.lang, hint, status.meetings_found if status else 0, result.error)
    req.reply(reply)
