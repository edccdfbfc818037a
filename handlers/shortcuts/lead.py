"""Message shortcut *Make a lead*: the lead form prefilled from the message (the one-line parser)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.leads.form import lead_form
from bot.leads.parse import parse_lead_line
from handlers._support import actor_or_apology, user_errors

MESSAGE = "make_lead_message"


def handle_message(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    ack()
    text = str((body.get("message") or {}).get("text") or "")
    actor = actor_or_apology(context, client, body, text)
    if actor is None:
        return
    with user_errors(client, body, actor, text):
        client.views_open(trigger_id=body["trigger_id"], view=lead_form(actor.lang, parse_lead_line(text)))


def register(app: App) -> None:
    app.shortcut(MESSAGE)(handle_message)
