"""Shortcuts: "Log a visit" (global: the empty form) and "Log as visit" (message: the form
prefilled with the message, whose permalink is kept on the visit)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.visits.prefill import form_from_text
from handlers._support import actor_or_apology, services, user_errors
from handlers.views.visit import open_visit_form

GLOBAL = "log_visit"
MESSAGE = "log_visit_message"


def handle_global(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    ack()
    actor = actor_or_apology(context, client, body)
    if actor is None:
        return
    with user_errors(client, body, actor):
        open_visit_form(context, client, body["trigger_id"], actor)


def handle_message(ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]) -> None:
    ack()
    message = body.get("message") or {}
    text = str(message.get("text") or "")
    actor = actor_or_apology(context, client, body, text)
    if actor is None:
        return
    with user_errors(client, body, actor, text):
        svc = services(context)
        channel = str((body.get("channel") or {}).get("id") or "")
        ts = str(body.get("message_ts") or message.get("ts") or "")
        prefill = form_from_text(svc.db, actor, text, svc.clock.now(), as_notes=True)
        open_visit_form(
            context,
            client,
            body["trigger_id"],
            actor,
            prefill,
            channel_id=channel or None,
            message=(channel, ts) if channel and ts else None,
        )


def register(app: App) -> None:
    app.shortcut(GLOBAL)(handle_global)
    app.shortcut(MESSAGE)(handle_message)
