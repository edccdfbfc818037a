"""`/coach target @rep 500k Q1`: a manager sets a rep's sales target (目标)."""

from __future__ import annotations

from bot.core.clock import local_date
from bot.core.text import mentioned_users, strip_mentions
from bot.deals.amounts import parse_amount
from bot.digests import targets
from bot.ui.reply import echo_reply
from handlers.commands.coach import subcommand
from handlers.listener import Request


@subcommand("target", "目标")
def coach_target(req: Request, rest: str) -> None:
    actor, svc, now = req.actor, req.svc, req.now
    users = mentioned_users(rest)
    words = strip_mentions(rest).split()
    if not words:
        rows = targets.list_targets(svc.db, actor, users[0] if users else None, now)
        req.reply(targets.render_targets(actor.lang, rows))
        return
    amount = next((a for w in words if (a := parse_amount(w))), None)
    period_words = [w for w in words if not parse_amount(w)]
    period = (
        targets.parse_period(" ".join(period_words), local_date(now, actor.tz))
        if period_words
        else targets.quarter_of(local_date(now, actor.tz))
    )
    if len(users) != 1 or amount is None or period is None:
        req.reply(echo_reply(actor.lang, "digests.target.usage", rest))
        return
    row = targets.do_set_target(svc.db, actor, users[0], amount[0], period, now)
    req.reply(targets.render_target_saved(actor.lang, row))
