"""Message shortcut "Update deal": the message is read like a `/deal` line to find the deal
and prefill the update modal (its text is kept as the note)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.deals.commands import update_modal
from bot.deals.ops import DealError
from bot.ui.reply import echo_reply
from handlers.commands.deal import with_response_url
from handlers.listener import Request, listener


def _message_text(body: dict[str, Any]) -> str:
    return str((body.get("message") or {}).get("text") or "")[:3000]


@listener(_message_text)
def on_update_deal(req: Request) -> None:
    actor, text = req.actor, _message_text(req.body)
    try:
        modal = update_modal(req.svc.db, actor, message_text=text, channel=req.channel_id, now=req.now)
    except DealError as exc:
        req.reply(echo_reply(actor.lang, exc.key, text, **exc.values))
        return
    req.client.views_open(trigger_id=req.trigger_id, view=with_response_url(modal, req.body.get("response_url")))


def register(app: App) -> None:
    app.message_shortcut("deal_update_message")(on_update_deal)
