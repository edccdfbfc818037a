"""`/account NAME …` (客户): an account's card and its corrections (`bot.records.accounts`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.records.accounts import account_reply
from handlers._support import current_actor, send_ephemeral, services, user_errors


def handle_account(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond
) -> None:
    ack()
    text = (body.get("text") or "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()
    actor = current_actor(context, client, body)
    with user_errors(client, body, actor, text, respond):
        svc = services(context)
        send_ephemeral(client, body, account_reply(svc.db, actor, text, svc.clock.now()), respond)


def register(app: App) -> None:
    app.command("/account")(handle_account)
