"""`/coach leads key [revoke]`: the workspace's keys for `POST /leads` (admins; bot/leads/inbound.py)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.core.actor import Actor
from bot.core.i18n import t
from bot.leads.inbound import do_create_key, do_revoke_keys
from bot.ui.reply import Reply
from handlers._support import send_ephemeral, services
from handlers.commands.coach import subcommand

REVOKE_WORDS = ("revoke", "撤销", "停用")


@subcommand("leads", "线索")
def coach_leads(
    context: dict[str, Any], client: WebClient, body: dict[str, Any], actor: Actor, rest: str, respond: Respond
) -> None:
    words = rest.lower().split()
    svc = services(context)
    if words[:1] != ["key"] and words[:1] != ["密钥"]:
        send_ephemeral(client, body, Reply(t(actor.lang, "coach.leads.usage")), respond)
        return
    if len(words) > 1 and words[1] in REVOKE_WORDS:
        count = do_revoke_keys(svc.db, actor, svc.clock.now())
        send_ephemeral(client, body, Reply(t(actor.lang, "coach.leads.revoked", count=count)), respond)
        return
    key = do_create_key(svc.db, actor, svc.clock.now())
    send_ephemeral(client, body, Reply(t(actor.lang, "coach.leads.key", key=key)), respond)
