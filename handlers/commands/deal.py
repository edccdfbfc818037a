"""`/deal`: create, move, update, win and lose deals from one line (bot.deals.commands)."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.deals.commands import Outcome, handle_text
from bot.ui.reply import Reply
from handlers.listener import Request, command_text, listener, parse_json

log = logging.getLogger("handlers.deal")


def show_outcome(req: Request, outcome: Outcome, *, replace: bool = False) -> None:
    """Open the outcome's modal (with this request's trigger; its result is answered where the
    request came from) or show its reply to the user; `replace` puts the reply in place of the
    message whose button was pressed."""
    if outcome.modal is not None:
        req.client.views_open(
            trigger_id=req.trigger_id, view=with_response_url(outcome.modal, req.body.get("response_url"))
        )
    if outcome.reply is not None:
        (req.replace if replace else req.reply)(outcome.reply)


def reply_after_modal(req: Request, reply: Reply) -> None:
    """After a modal closes there is no response_url: answer where the modal was opened (its
    response_url if it had one), else by DM."""
    url = req.meta.get("ru")
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        try:
            WebhookClient(url).send(response_type="ephemeral", replace_original=False, **reply.as_kwargs())
            return
        except Exception:  # an expired response_url: fall back to a DM
            log.info("response_url expired; answering by DM")
    try:
        channel = req.client.conversations_open(users=req.actor.user_id)["channel"]["id"]
        req.client.chat_postMessage(channel=channel, **reply.as_kwargs())
    except SlackApiError as exc:
        log.warning("could not send the result: %s", exc.response.get("error"))


def with_response_url(modal: dict[str, Any], url: Any) -> dict[str, Any]:
    """Remember where the modal was opened from, so its result can be answered there."""
    if isinstance(url, str) and url:
        meta = parse_json(modal.get("private_metadata"))
        meta["ru"] = url
        modal["private_metadata"] = json.dumps(meta, separators=(",", ":"))
    return modal


@listener(command_text)
def handle_deal(req: Request) -> None:
    show_outcome(req, handle_text(req.svc.db, req.actor, req.text, req.now, channel=req.channel_id))


def register(app: App) -> None:
    app.command("/deal")(handle_deal)
