"""Message shortcut "Update deal": the message is read like a `/deal` line to find the deal
and prefill the update modal (its text is kept as the note)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.deals.commands import update_modal
from bot.deals.ops import DealError
from bot.ui.reply import echo_reply
from handlers._support import current_actor, send_ephemeral, services, user_errors
from handlers.commands.deal import with_response_url


def on_update_deal(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond
) -> None:
    ack()
    actor = current_actor(context, client, body)
    svc = services(context)
    text = ((body.get("message") or {}).get("text") or "")[:3000]
    channel = (body.get("channel") or {}).get("id")
    with user_errors(client, body, actor, text, respond):
        try:
            modal = update_modal(svc.db, actor, message_text=text, channel=channel, now=svc.clock.now())
        except DealError as exc:
            send_ephemeral(client, body, echo_reply(actor.lang, exc.key, text, **exc.values), respond)
            return
        with_response_url(modal, body.get("response_url"))
        client.views_open(trigger_id=body["trigger_id"], view=modal)


def register(app: App) -> None:
    app.message_shortcut("deal_update_message")(on_update_deal)
