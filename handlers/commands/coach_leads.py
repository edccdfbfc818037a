"""`/coach leads key [revoke]`: the workspace's keys for `POST /leads` (admins; bot/leads/inbound.py);
`/coach leads route …`: who gets inbound leads (admins; bot/leads/routing.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.core.i18n import t
from bot.leads.inbound import do_create_key, do_revoke_keys
from bot.leads.routing import RouteUsage, do_set_route
from bot.ui.reply import Reply, echo_reply
from handlers._support import send_ephemeral, services
from handlers.commands.coach import subcommand

REVOKE_WORDS = ("revoke", "撤销", "停用")


@subcommand("leads", "线索")
def coach_leads(
    context: dict[str, Any], client: WebClient, body: dict[str, Any], actor: Actor, rest: str, respond: Respond
) -> None:
    words = rest.lower().split()
    svc = services(context)
    if words[:1] in (["route"], ["路由"], ["分配"]):
        _route(client, body, actor, svc, rest.split(None, 1)[1] if len(words) > 1 else "", respond)
        return
    if words[:1] != ["key"] and words[:1] != ["密钥"]:
        send_ephemeral(client, body, Reply(t(actor.lang, "coach.leads.usage")), respond)
        return
    if len(words) > 1 and words[1] in REVOKE_WORDS:
        count = do_revoke_keys(svc.db, actor, svc.clock.now())
        send_ephemeral(client, body, Reply(t(actor.lang, "coach.leads.revoked", count=count)), respond)
        return
    key = do_create_key(svc.db, actor, svc.clock.now())
    send_ephemeral(client, body, Reply(t(actor.lang, "coach.leads.key", key=key)), respond)


def _route(client: WebClient, body: dict[str, Any], actor: Actor, svc: Any, text: str, respond: Respond) -> None:
    try:
        mode, people, regions = do_set_route(svc.db, actor, text)
    except RouteUsage:
        send_ephemeral(client, body, echo_reply(actor.lang, "coach.leads.route.usage", text), respond)
        return
    who = " ".join(f"<@{u}>" for u in people)
    areas = ", ".join(f"{k} → <@{u}>" for k, u in regions.items())
    reply = t(actor.lang, f"coach.leads.route.{mode}", people=who, regions=areas)
    send_ephemeral(client, body, Reply(reply), respond)
