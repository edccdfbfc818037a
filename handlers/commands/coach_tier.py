"""`/coach tier Ricoh grow 200k` (分层): put an account in one of the rep's 5+5+5 slots."""

from __future__ import annotations

from bot.core.text import mentioned_users, strip_mentions
from bot.deals.amounts import parse_amount
from bot.digests import render, tiers
from bot.ui.reply import echo_reply
from handlers.commands.coach import subcommand
from handlers.listener import Request


@subcommand("tier", "分层")
def coach_tier(req: Request, rest: str) -> None:
    actor, svc, now = req.actor, req.svc, req.now
    users = mentioned_users(rest)
    words = strip_mentions(rest).split()
    if not words:
        review = tiers.do_show_tiers(svc.db, actor, users[0] if users else None, now)
        req.reply(render.tiers_reply(actor.lang, review))
        return
    # The slot word is the last tier word; the account is what comes before it, an amount after.
    at = max((i for i, w in enumerate(words) if tiers.tier_from_word(w) is not None), default=None)
    if at is None or at == 0:
        req.reply(echo_reply(actor.lang, "digests.tier.usage", rest))
        return
    tier = tiers.tier_from_word(words[at]) or ""
    after = words[at + 1 :]
    amount = parse_amount(after[0], loose=True) if len(after) == 1 else None
    if after and amount is None:
        req.reply(echo_reply(actor.lang, "digests.tier.usage", rest))
        return
    account_text = " ".join(words[:at])
    try:
        result = tiers.do_set_tier(svc.db, actor, account_text, tier, amount[0] if amount else None)
    except tiers.TierFull as full:
        req.reply(render.tier_full_reply(actor.lang, full.tier, full.names))
        return
    req.reply(render.tier_saved_reply(actor.lang, account_text, result))
