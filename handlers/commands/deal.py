"""`/deal`: create, move, update, win and lose deals from one line (bot.deals.commands)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.deals.commands import Outcome, handle_text
from bot.ui.reply import Reply
from handlers._support import actor_or_apology, send_ephemeral, services, user_errors

log = logging.getLogger("handlers.deal")


def show_outcome(
    client: WebClient,
    body: dict[str, Any],
    outcome: Outcome,
    respond: Callable[..., Any] | None,
    *,
    replace: bool = False,
) -> None:
    """Open the outcome's modal (with this request's trigger) or show its reply to the user;
    `replace` puts the reply in place of the message whose button was pressed."""
    if outcome.modal is not None:
        client.views_open(trigger_id=body["trigger_id"], view=outcome.modal)
    if outcome.reply is not None:
        if replace and respond is not None and body.get("response_url"):
            respond(replace_original=True, response_type="ephemeral", **outcome.reply.as_kwargs())
        else:
            send_ephemeral(client, body, outcome.reply, respond)


def reply_after_modal(client: WebClient, body: dict[str, Any], meta: dict[str, Any], reply: Reply) -> None:
    """After a modal closes there is no response_url: answer where the modal was opened (its
    response_url if it had one), else by DM."""
    url = meta.get("ru")
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        try:
            WebhookClient(url).send(response_type="ephemeral", replace_original=False, **reply.as_kwargs())
            return
        except Exception:  # an expired response_url: fall back to a DM
            log.info("response_url expired; answering by DM")
    user_id = (body.get("user") or {}).get("id", "")
    try:
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        client.chat_postMessage(channel=channel, **reply.as_kwargs())
    except SlackApiError as exc:
        log.warning("could not send the result: %s", exc.response.get("error"))


def with_response_url(modal: dict[str, Any], url: Any) -> dict[str, Any]:
    """Remember where the modal was opened from, so its result can be answered there."""
    if isinstance(url, str) and url:
        meta = parse_json(modal.get("private_metadata"))
        meta["ru"] = url
        modal["private_metadata"] = json.dumps(meta, separators=(",", ":"))
    return modal


def parse_json(raw: Any) -> dict[str, Any]:
    """A button value or private_metadata as a dict (anything else: empty)."""
    try:
        data = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def handle_deal(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any], respond: Respond) -> None:
    ack()
    text = (body.get("text") or "").strip()
    actor = actor_or_apology(context, client, body, text, respond)
    if actor is None:  # the database is unreachable: the user got an apology with their text
        return
    svc = services(context)
    with user_errors(client, body, actor, text, respond):
        outcome = handle_text(svc.db, actor, text, svc.clock.now(), channel=body.get("channel_id"))
        if outcome.modal is not None:
            with_response_url(outcome.modal, body.get("response_url"))
        show_outcome(client, body, outcome, respond)


def register(app: App) -> None:
    app.command("/deal")(handle_deal)
