"""Shortcuts: "Log a visit" (global: the empty form) and "Log as visit" (message: the form
prefilled with the message, whose permalink is kept on the visit)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.visits.prefill import form_from_text
from handlers.listener import Request, listener
from handlers.payloads import ShortcutPayload
from handlers.views.visit import open_visit_form

GLOBAL = "log_visit"
MESSAGE = "log_visit_message"


@listener()
def handle_global(req: Request) -> None:
    open_visit_form(req, req.trigger_id)


def _message_text(body: dict[str, Any]) -> str:
    return str((body.get("message") or {}).get("text") or "")


@listener(_message_text)
def handle_message(req: Request) -> None:
    payload = req.payload
    assert isinstance(payload, ShortcutPayload)
    text = _message_text(req.body)
    channel = payload.channel.id if payload.channel else ""
    ts = payload.message_ts or (payload.message.ts if payload.message else None) or ""
    prefill = form_from_text(req.svc.db, req.actor, text, req.now, as_notes=True)
    message = (channel, ts) if channel and ts else None
    open_visit_form(req, req.trigger_id, prefill, channel_id=channel or None, message=message)


def register(app: App) -> None:
    app.shortcut(GLOBAL)(handle_global)
    app.shortcut(MESSAGE)(handle_message)
