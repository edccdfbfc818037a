"""`/coach leads key [revoke]`: the workspace's keys for `POST /leads` (admins; bot/leads/inbound.py);
`/coach leads route …`: who gets inbound leads (admins; bot/leads/routing.py)."""

from __future__ import annotations

from bot.core.i18n import t
from bot.leads.inbound import do_create_key, do_revoke_keys
from bot.leads.routing import RouteUsage, do_set_route
from bot.ui.reply import Reply, echo_reply
from handlers.commands.coach import subcommand
from handlers.listener import Request

REVOKE_WORDS = ("revoke", "撤销", "停用")


@subcommand("leads", "线索")
def coach_leads(req: Request, rest: str) -> None:
    words = rest.lower().split()
    svc, actor = req.svc, req.actor
    if words[:1] in (["route"], ["路由"], ["分配"]):
        req.reply(_route(req, rest.split(None, 1)[1] if len(words) > 1 else ""))
        return
    if words[:1] != ["key"] and words[:1] != ["密钥"]:
        req.reply(Reply(t(actor.lang, "coach.leads.usage")))
        return
    if len(words) > 1 and words[1] in REVOKE_WORDS:
        count = do_revoke_keys(svc.db, actor, req.now)
        req.reply(Reply(t(actor.lang, "coach.leads.revoked", count=count)))
        return
    key = do_create_key(svc.db, actor, req.now)
    req.reply(Reply(t(actor.lang, "coach.leads.key", key=key)))


def _route(req: Request, text: str) -> Reply:
    try:
        mode, people, regions = do_set_route(req.svc.db, req.actor, text)
    except RouteUsage:
        return echo_reply(req.lang, "coach.leads.route.usage", text)
    who = " ".join(f"<@{u}>" for u in people)
    areas = ", ".join(f"{k} → <@{u}>" for k, u in regions.items())
    return Reply(t(req.lang, f"coach.leads.route.{mode}", people=who, regions=areas))
